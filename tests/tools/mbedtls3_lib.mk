# SPDX-License-Identifier: MIT
# Nested from tests/tools/mbedtls3.mk (whose variables it reads) once the sources are unpacked: every
# library/*.c compiled with the project's configuration (what it leaves out
# compiles to nothing), archived as upstream splits them.
include tests/tools/mbedtls3.mk
.DEFAULT_GOAL := all
LIB_SRC    := $(sort $(wildcard $(MBED3_SRC)/library/*.c))
TLS_SRC    := $(filter $(addprefix $(MBED3_SRC)/library/,ssl_%.c debug.c mps_%.c net_sockets.c timing.c),$(LIB_SRC))
X509_SRC   := $(filter $(addprefix $(MBED3_SRC)/library/,x509%.c pkcs7.c),$(LIB_SRC))
CRYPTO_SRC := $(filter-out $(TLS_SRC) $(X509_SRC),$(LIB_SRC))
obj = $(patsubst $(MBED3_SRC)/library/%.c,$(MBED3_DIR)/obj/%.o,$(1))
CFLAGS_3 := -std=c99 -O2 -g -Wall $(MBED3_CPPFLAGS) -I$(MBED3_SRC)/library

all: $(MBED3_DIR)/libmbedtls.a $(MBED3_DIR)/libmbedx509.a $(MBED3_DIR)/libmbedcrypto.a

$(MBED3_DIR)/obj/%.o: $(MBED3_SRC)/library/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_3) -MMD -MP -c $< -o $@

$(MBED3_DIR)/libmbedtls.a: $(call obj,$(TLS_SRC))
$(MBED3_DIR)/libmbedx509.a: $(call obj,$(X509_SRC))
$(MBED3_DIR)/libmbedcrypto.a: $(call obj,$(CRYPTO_SRC))
$(MBED3_DIR)/%.a:
	@rm -f $@
	$(AR) rcs $@ $^

-include $(patsubst %.o,%.d,$(call obj,$(LIB_SRC)))
