# SPDX-License-Identifier: MIT
#
# lkedoc.mk - lkedoc's files for a GNU make build, in one place.
#
#     LKEDOC_DIR := path/to/lkedoc      (optional: defaults to this file's directory)
#     include $(LKEDOC_DIR)/lkedoc.mk
#     SRCS     += $(LKEDOC_CORE_SOURCES) $(LKEDOC_PORT_LWIP_RAW_SOURCES)
#     CPPFLAGS += $(addprefix -I,$(LKEDOC_CORE_INCLUDE_DIRS) $(LKEDOC_PORT_LWIP_RAW_INCLUDE_DIRS))
#                 (the core's sources need core/src too; the application's files only the public headers)
#
# LKEDOC_INCLUDE_DIRS             the public headers: all an application includes
# LKEDOC_CORE_SOURCES             the core (C99, no OS, no heap)
# LKEDOC_CORE_INCLUDE_DIRS        what compiling the core needs: the public headers and core/src
# LKEDOC_PORT_<NAME>_SOURCES      one port: POSIX, LWIP (lwIP sockets), LWIP_RAW (lwIP raw API,
# LKEDOC_PORT_<NAME>_INCLUDE_DIRS NO_SYS), TEMPLATE (a new port's starting point)
# LKEDOC_MBEDTLS_MODULES          the mbedTLS library/<name>.c the core's TLS 1.2 client links
#                                 (2.28, a TLS 1.2 client's configuration)
# LKEDOC_MBEDTLS3_MODULES         the same for mbedTLS 3.6 (TLS 1.2 + 1.3 client, PSA), measured from
#                                 the host CLI's link (boards/posix/lkd_mbedtls3_config.h) less its
#                                 host-only parts (aesni, entropy_poll, debug, the servers of the tests);
#                                 what the board links (boards/mps2-an386/lkd_board_mbedtls_config.h)
# LKEDOC_LWIP_RAW_LWIP_MODULES    the lwIP src/<name>.c port/lwip-raw needs (IPv4, TCP, DNS)
#
# The POSIX port links -lanl where the C library keeps getaddrinfo_a there
# (glibc before 2.34; a newer glibc has it in libc and needs nothing): a
# link flag these lists leave to the integrator (the Makefile detects it).
# The core also needs jsmn's header (jsmn.h, header-only; the library compiles
# it privately with JSMN_STATIC) and mbedTLS's headers on the include path.
# lkedocFilePaths.cmake has the same lists for CMake; both are checked against
# each other and the tree by tests/integration/test_build_files.py.

# Simply expanded, here: MAKEFILE_LIST names this file last only now (a `?=`
# would be expanded again after the next include and name that file instead).
ifndef LKEDOC_DIR
LKEDOC_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
endif
LKEDOC_ROOT := $(if $(filter .,$(LKEDOC_DIR)),,$(LKEDOC_DIR)/)

LKEDOC_INCLUDE_DIRS := $(LKEDOC_ROOT)core/include
LKEDOC_CORE_INCLUDE_DIRS := $(LKEDOC_ROOT)core/include $(LKEDOC_ROOT)core/src

LKEDOC_CORE_SOURCES := \
    $(LKEDOC_ROOT)core/src/lkd_arg.c \
    $(LKEDOC_ROOT)core/src/lkd_base64.c \
    $(LKEDOC_ROOT)core/src/lkd_call.c \
    $(LKEDOC_ROOT)core/src/lkd_client.c \
    $(LKEDOC_ROOT)core/src/lkd_client_info.c \
    $(LKEDOC_ROOT)core/src/lkd_clock.c \
    $(LKEDOC_ROOT)core/src/lkd_crc64.c \
    $(LKEDOC_ROOT)core/src/lkd_creds.c \
    $(LKEDOC_ROOT)core/src/lkd_decode.c \
    $(LKEDOC_ROOT)core/src/lkd_error_detail.c \
    $(LKEDOC_ROOT)core/src/lkd_hash.c \
    $(LKEDOC_ROOT)core/src/lkd_http.c \
    $(LKEDOC_ROOT)core/src/lkd_job.c \
    $(LKEDOC_ROOT)core/src/lkd_json.c \
    $(LKEDOC_ROOT)core/src/lkd_pages.c \
    $(LKEDOC_ROOT)core/src/lkd_proxy.c \
    $(LKEDOC_ROOT)core/src/lkd_psa_rng.c \
    $(LKEDOC_ROOT)core/src/lkd_request.c \
    $(LKEDOC_ROOT)core/src/lkd_result.c \
    $(LKEDOC_ROOT)core/src/lkd_settings.c \
    $(LKEDOC_ROOT)core/src/lkd_sign.c \
    $(LKEDOC_ROOT)core/src/lkd_status.c \
    $(LKEDOC_ROOT)core/src/lkd_text.c \
    $(LKEDOC_ROOT)core/src/lkd_time.c \
    $(LKEDOC_ROOT)core/src/lkd_tls.c \
    $(LKEDOC_ROOT)core/src/lkd_tls_policy.c \
    $(LKEDOC_ROOT)core/src/lkd_tls_sniff.c \
    $(LKEDOC_ROOT)core/src/lkd_url.c \
    $(LKEDOC_ROOT)core/src/lkd_url_policy.c \
    $(LKEDOC_ROOT)core/src/lkd_version.c

LKEDOC_PORT_POSIX_SOURCES := $(LKEDOC_ROOT)port/posix/port_posix.c
LKEDOC_PORT_POSIX_INCLUDE_DIRS := $(LKEDOC_ROOT)port/posix
LKEDOC_PORT_LWIP_SOURCES := $(LKEDOC_ROOT)port/lwip/port_lwip.c
LKEDOC_PORT_LWIP_INCLUDE_DIRS := $(LKEDOC_ROOT)port/lwip
LKEDOC_PORT_LWIP_RAW_SOURCES := $(LKEDOC_ROOT)port/lwip-raw/port_lwip_raw.c
LKEDOC_PORT_LWIP_RAW_INCLUDE_DIRS := $(LKEDOC_ROOT)port/lwip-raw
LKEDOC_PORT_TEMPLATE_SOURCES := $(LKEDOC_ROOT)port/template/port_template.c
LKEDOC_PORT_TEMPLATE_INCLUDE_DIRS := $(LKEDOC_ROOT)port/template

LKEDOC_MBEDTLS_MODULES := aes asn1parse asn1write base64 bignum cipher cipher_wrap constant_time ctr_drbg ecdh \
    ecdsa ecp ecp_curves entropy gcm md memory_buffer_alloc oid pem pk pk_wrap pkparse platform \
    platform_util rsa rsa_internal sha256 sha512 ssl_ciphersuites ssl_cli ssl_msg ssl_tls x509 x509_crt

LKEDOC_MBEDTLS3_MODULES := aes asn1parse asn1write base64 bignum bignum_core chacha20 chachapoly cipher \
    cipher_wrap constant_time ctr_drbg ecdh ecdsa ecp ecp_curves entropy gcm md memory_buffer_alloc oid pem \
    pk pk_ecc pk_wrap pkparse platform platform_util poly1305 psa_crypto psa_crypto_aead psa_crypto_cipher \
    psa_crypto_client psa_crypto_driver_wrappers_no_static psa_crypto_ecp psa_crypto_hash psa_crypto_mac \
    psa_crypto_random psa_crypto_rsa psa_crypto_slot_management psa_util rsa rsa_alt_helpers sha256 sha512 \
    ssl_ciphersuites ssl_client ssl_debug_helpers_generated ssl_msg ssl_tls ssl_tls12_client \
    ssl_tls13_client ssl_tls13_generic ssl_tls13_keys x509 x509_crt

LKEDOC_LWIP_RAW_LWIP_MODULES := core/init core/def core/dns core/inet_chksum core/ip core/mem core/memp \
    core/netif core/pbuf core/stats core/sys core/tcp core/tcp_in core/tcp_out core/timeouts core/udp \
    core/ipv4/etharp core/ipv4/icmp core/ipv4/ip4 core/ipv4/ip4_addr core/ipv4/ip4_frag netif/ethernet
