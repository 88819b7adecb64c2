/* SPDX-License-Identifier: MIT */
/*
 * nomalloc_job.c - the whole document job (create with FileBase64, wait,
 * download) through core/ and port/posix, with mbedTLS built from Debian's
 * 3.6 source with the board's configuration
 * (boards/mps2-an386/lkd_board_mbedtls_config.h through
 * tests/pool/pool_mbedtls_config.h): memory comes from a static pool
 * (MBEDTLS_MEMORY_BUFFER_ALLOC_C) and libc's calloc/free are not linked in
 * (MBEDTLS_PLATFORM_NO_STD_FUNCTIONS).
 *
 * The program defines malloc, calloc, realloc, free and the aligned and array
 * variants itself (forwarding to glibc's __libc_* functions), so every call to
 * the system allocator from anywhere in the process, libc's own included,
 * lands here.  Calls are counted while "armed": the client's whole life, from
 * mbedtls_memory_buffer_alloc_init through lkd_client_init, lkd_client_add_ca,
 * lkd_create, lkd_wait, lkd_download_result and lkd_client_free to
 * mbedtls_memory_buffer_alloc_free.  Everything that may allocate (reading
 * the document and the CA, opening the output, stdio) happens outside it.
 *
 *   nomalloc_job --endpoint HOST:PORT --resolve HOST:PORT:ADDR... --ca-file PEM
 *                --file DOC --type TYPE --out FILE [--pool BYTES]
 *                [--poll-ms MS] [--timeout-ms MS] [--self-check]
 *
 * Credentials: TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY.  ADDR must be
 * a numeric address (the POSIX port connects to literals without getaddrinfo).
 * --self-check allocates on purpose while armed (malloc/free in the sink, and
 * a getaddrinfo, which allocates inside libc): the counts must then be > 0.
 *
 * Last line on stdout, on success and on failure alike:
 *   nomalloc: malloc=N calloc=N realloc=N free=N other=N pool-peak=N
 *   pool-used=N pool-blocks=N pool-fixed=N pool-size=N pool-refused=N
 *   pool-left=N client=N bytes=N sha256=HEX polls=N handshakes=N resumed=N
 *   status=WORD
 * pool-peak is the pool's high-water mark: the most bytes in use at once,
 * block headers included; pool-used and pool-blocks are mbedTLS's own maxima
 * (MBEDTLS_MEMORY_DEBUG) of the bytes and of the blocks, each on its own;
 * pool-fixed is what the client holds between calls (record buffers,
 * contexts, the parsed CA), in use after lkd_client_add_ca; pool-refused
 * counts the allocations the pool could not serve; pool-left is what was
 * still allocated after lkd_client_free; client is sizeof(lkd_client_t).  On failure a
 * line on stderr names the step, the status, the last mbedTLS error and a
 * pool that ran dry.  Exit status 0 when the job succeeded, the counts are 0
 * (with --self-check: malloc and free were seen) and the pool was left empty.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mbedtls/memory_buffer_alloc.h>
#include <mbedtls/sha256.h>
#include <psa/crypto.h>

#include "lkd_client.h"
#include "lkd_job.h"
#include "port_posix.h"

#ifndef POOL_DEFAULT
#define POOL_DEFAULT 49152u
#endif
#ifndef POOL_MAX
#define POOL_MAX (256u * 1024u)
#endif
#define DOC_MAX (1024u * 1024u)
#define CA_MAX (64u * 1024u)
#define MAX_RESOLVE 4

/* ---- the system allocator, interposed ------------------------------------------------ */

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);
extern void __libc_free(void *p);
extern void *__libc_memalign(size_t align, size_t size);

enum { C_MALLOC, C_CALLOC, C_REALLOC, C_FREE, C_OTHER, C_KINDS };
static volatile int armed;
static volatile unsigned long counts[C_KINDS];
static void *volatile first_caller; /* return address of the first armed call */

static void count(int kind, void *caller)
{
    if (armed) {
        if (first_caller == NULL) {
            first_caller = caller;
        }
        counts[kind]++;
    }
}

void *malloc(size_t size)
{
    count(C_MALLOC, __builtin_return_address(0));
    return __libc_malloc(size);
}

void *calloc(size_t n, size_t size)
{
    count(C_CALLOC, __builtin_return_address(0));
    return __libc_calloc(n, size);
}

void *realloc(void *p, size_t size)
{
    count(C_REALLOC, __builtin_return_address(0));
    return __libc_realloc(p, size);
}

void free(void *p)
{
    if (p != NULL) {
        count(C_FREE, __builtin_return_address(0));
    }
    __libc_free(p);
}

void *reallocarray(void *p, size_t n, size_t size)
{
    count(C_OTHER, __builtin_return_address(0));
    if (size != 0 && n > SIZE_MAX / size) {
        errno = ENOMEM;
        return NULL;
    }
    return __libc_realloc(p, n * size);
}

void *memalign(size_t align, size_t size)
{
    count(C_OTHER, __builtin_return_address(0));
    return __libc_memalign(align, size);
}

void *aligned_alloc(size_t align, size_t size)
{
    count(C_OTHER, __builtin_return_address(0));
    return __libc_memalign(align, size);
}

int posix_memalign(void **out, size_t align, size_t size)
{
    void *p;
    count(C_OTHER, __builtin_return_address(0));
    if (align < sizeof(void *) || (align & (align - 1)) != 0) {
        return EINVAL;
    }
    p = __libc_memalign(align, size);
    if (p == NULL) {
        return ENOMEM;
    }
    *out = p;
    return 0;
}

void *valloc(size_t size)
{
    count(C_OTHER, __builtin_return_address(0));
    return __libc_memalign((size_t)sysconf(_SC_PAGESIZE), size);
}

/* ---- the pool's refusals --------------------------------------------------------------- */

/* Linked with -Wl,--wrap=mbedtls_calloc: every allocation mbedTLS asks of the
 * pool passes here.  After each one the bytes in use, block headers included
 * (the header, struct _memory_header of memory_buffer_alloc.c without
 * MBEDTLS_MEMORY_BACKTRACE, is four size_t and four pointers), give the
 * pool's exact high-water mark; mbedTLS's own maxima of bytes and of blocks
 * are kept apart and need not be reached at the same time.  A refusal (pool
 * exhausted) is counted even where mbedTLS reports it as something else (a
 * signature that fails to verify for want of memory flags the certificate as
 * not trusted). */
#define POOL_HEADER (4 * sizeof(size_t) + 4 * sizeof(void *))
void *__real_mbedtls_calloc(size_t n, size_t size);
void *__wrap_mbedtls_calloc(size_t n, size_t size);
static unsigned long pool_refused;
static size_t pool_peak;

void *__wrap_mbedtls_calloc(size_t n, size_t size)
{
    size_t used = 0, blocks = 0;
    void *p = __real_mbedtls_calloc(n, size);
    if (p == NULL && n != 0 && size != 0) {
        pool_refused++;
    }
    mbedtls_memory_buffer_alloc_cur_get(&used, &blocks);
    if (used + blocks * POOL_HEADER > pool_peak) {
        pool_peak = used + blocks * POOL_HEADER;
    }
    return p;
}

/* ---- the job -------------------------------------------------------------------------- */

static unsigned char pool[POOL_MAX];
static uint8_t document[DOC_MAX];
static uint8_t ca_pem[CA_MAX + 1];
static lkd_client_t client;

typedef struct {
    int fd;
    uint64_t bytes;
    mbedtls_sha256_context sha;
    int self_check;
} sink_t;

typedef struct {
    size_t size;
} doc_t;

static lkd_status_t read_doc(void *user, uint64_t offset, uint8_t *buf, size_t len, size_t *got)
{
    const doc_t *d = (const doc_t *)user;
    size_t n = 0;
    if (offset < d->size) {
        n = (size_t)(d->size - offset) < len ? (size_t)(d->size - offset) : len;
        memcpy(buf, document + offset, n);
    }
    *got = n;
    return LKD_OK;
}

static lkd_status_t sink_write(void *user, const uint8_t *data, size_t len)
{
    sink_t *s = (sink_t *)user;
    if (s->self_check) {
        /* Through volatile pointers, so the compiler cannot drop the pair. */
        void *(*volatile m)(size_t) = malloc;
        void (*volatile f)(void *) = free;
        f(m(len));
    }
    while (len > 0) {
        ssize_t n = write(s->fd, data, len);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return LKD_ERR_IO;
        }
        mbedtls_sha256_update(&s->sha, data, (size_t)n);
        s->bytes += (uint64_t)n;
        data += n;
        len -= (size_t)n;
    }
    return LKD_OK;
}

static void count_polls(void *user, const lkd_result_t *result, uint32_t elapsed_ms, uint32_t polls)
{
    (void)result;
    (void)elapsed_ms;
    *(uint32_t *)user = polls;
}

/* Whole file into buf (at most max bytes); its size, or -1. */
static long slurp(const char *path, uint8_t *buf, size_t max)
{
    size_t have = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return -1;
    }
    for (;;) {
        ssize_t n = read(fd, buf + have, max - have);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 || (n > 0 && have + (size_t)n == max)) {
            close(fd);
            return -1; /* error, or too large for the buffer */
        }
        if (n == 0) {
            break;
        }
        have += (size_t)n;
    }
    close(fd);
    return (long)have;
}

/* The mbedTLS error names this run can meet when the pool runs dry. */
static const char *mbedtls_name(int rc)
{
    static const struct {
        int code;
        const char *name;
    } names[] = {
        {-0x7F00, "SSL_ALLOC_FAILED"}, {-0x0010, "MPI_ALLOC_FAILED"},   {-0x4D80, "ECP_ALLOC_FAILED"},
        {-0x3F80, "PK_ALLOC_FAILED"},  {-0x2880, "X509_ALLOC_FAILED"},  {-0x6180, "CIPHER_ALLOC_FAILED"},
        {-0x5180, "MD_ALLOC_FAILED"},  {-0x7280, "SSL_CONN_EOF"},       {-0x2700, "X509_CERT_VERIFY_FAILED"},
    };
    size_t i;
    int low = -((-rc) & 0x007F), high = -((-rc) & 0xFF80);
    for (i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (names[i].code == rc) {
            return names[i].name;
        }
    }
    /* A composite code (high-level module + low-level cause): name the cause. */
    for (i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (low != 0 && names[i].code == low) {
            return names[i].name;
        }
        if (high != 0 && high != rc && names[i].code == high) {
            return names[i].name;
        }
    }
    return "";
}

/* A word for the summary line. */
static const char *status_word(lkd_status_t st)
{
    static const char *const words[LKD_STATUS_COUNT] = {
        [LKD_OK] = "ok", [LKD_ERR_ARG] = "arg", [LKD_ERR_BUFFER_TOO_SMALL] = "buffer",
        [LKD_ERR_RESPONSE_TOO_LARGE] = "response-too-large", [LKD_ERR_DNS] = "dns",
        [LKD_ERR_CONNECT] = "connect", [LKD_ERR_TLS] = "tls", [LKD_ERR_CERT] = "cert",
        [LKD_ERR_TIMEOUT] = "timeout", [LKD_ERR_CLOSED] = "closed", [LKD_ERR_IO] = "io",
        [LKD_ERR_HTTP_STATUS] = "http-status", [LKD_ERR_MALFORMED] = "malformed", [LKD_ERR_API] = "api",
        [LKD_ERR_TASK_FAILED] = "task-failed", [LKD_ERR_TASK_PAUSED] = "task-paused",
        [LKD_ERR_TASK_NOT_READY] = "task-not-ready", [LKD_ERR_PAYLOAD_TOO_LARGE] = "payload-too-large",
        [LKD_ERR_CRYPTO] = "crypto", [LKD_ERR_ENTROPY] = "entropy", [LKD_ERR_NOT_PROVIDED] = "not-provided",
        [LKD_ERR_STATE] = "state", [LKD_ERR_NO_MEMORY] = "no-memory", [LKD_ERR_CONFIG] = "config",
        [LKD_ERR_ARG_NULL] = "arg-null", [LKD_ERR_ARG_EMPTY] = "arg-empty", [LKD_ERR_ARG_TOO_LONG] = "arg-too-long",
        [LKD_ERR_ARG_FORMAT] = "arg-format", [LKD_ERR_ARG_RANGE] = "arg-range", [LKD_ERR_ARG_CONFLICT] = "arg-conflict",
        [LKD_ERR_INTEGRITY] = "integrity",
    };
    return (unsigned)st < LKD_STATUS_COUNT && words[st] != NULL ? words[st] : "unknown";
}

static int parse_hostport(const char *s, char *host, size_t host_size, uint16_t *port)
{
    const char *c = strrchr(s, ':');
    char *end;
    unsigned long p;
    if (c == NULL || c == s || (size_t)(c - s) >= host_size) {
        return -1;
    }
    p = strtoul(c + 1, &end, 10);
    if (*end != '\0' || p == 0 || p > 65535) {
        return -1;
    }
    memcpy(host, s, (size_t)(c - s));
    host[c - s] = '\0';
    *port = (uint16_t)p;
    return 0;
}

static int usage(const char *why)
{
    fprintf(stderr,
            "nomalloc_job: %s\n"
            "usage: nomalloc_job --endpoint HOST:PORT --resolve HOST:PORT:ADDR... --result-host SUFFIX... --ca-file PEM --file DOC\n"
            "                    --type TYPE --out FILE [--pool BYTES] [--poll-ms MS] [--timeout-ms MS]\n"
            "                    [--self-check]\n",
            why);
    return 2;
}

int main(int argc, char **argv)
{
    static char endpoint[256], resolve_text[MAX_RESOLVE][300];
    static lkd_resolve_t resolve[MAX_RESOLVE];
    static const char *result_hosts[MAX_RESOLVE];
    size_t result_host_count = 0;
    const char *ca_file = NULL, *doc_file = NULL, *out_file = NULL, *type = NULL, *what = "setup";
    size_t pool_size = POOL_DEFAULT, resolve_count = 0, used = 0, blocks = 0, left_used = 1, left_blocks = 1;
    size_t fixed_used = 0, fixed_blocks = 0;
    uint32_t poll_ms = 50, timeout_ms = 60000, polls = 0, handshakes, resumed;
    int last_error;
    int self_check = 0, i, ok, counted;
    unsigned long total;
    long doc_len, ca_len;
    uint8_t digest[32];
    char hex[65];
    lkd_settings_t s;
    lkd_port_t port;
    lkd_status_t st = LKD_OK;
    lkd_create_t create;
    lkd_file_source_t src;
    lkd_wait_options_t wait;
    lkd_download_options_t dl;
    lkd_result_t result;
    lkd_span_t task;
    doc_t doc;
    sink_t sink;
    uint64_t bytes = 0;
    uint16_t api_port = 443;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--self-check") == 0) {
            self_check = 1;
            continue;
        }
        if (v == NULL) {
            return usage("missing value");
        }
        i++;
        if (strcmp(a, "--endpoint") == 0) {
            if (parse_hostport(v, endpoint, sizeof endpoint, &api_port) != 0) {
                return usage("--endpoint wants HOST:PORT");
            }
        } else if (strcmp(a, "--resolve") == 0) {
            char *text, *c1, *c2;
            if (resolve_count == MAX_RESOLVE || strlen(v) >= sizeof resolve_text[0]) {
                return usage("too many or too long --resolve");
            }
            text = strcpy(resolve_text[resolve_count], v);
            c1 = strchr(text, ':');
            c2 = c1 != NULL ? strchr(c1 + 1, ':') : NULL;
            if (c1 == NULL || c2 == NULL || c1 == text || c2[1] == '\0') {
                return usage("--resolve wants HOST:PORT:ADDR");
            }
            *c1 = *c2 = '\0';
            resolve[resolve_count].host = text;
            resolve[resolve_count].port = (uint16_t)strtoul(c1 + 1, NULL, 10);
            resolve[resolve_count].address = c2 + 1;
            resolve_count++;
        } else if (strcmp(a, "--result-host") == 0) {
            if (result_host_count == MAX_RESOLVE) {
                return usage("too many --result-host");
            }
            result_hosts[result_host_count++] = v;
        } else if (strcmp(a, "--ca-file") == 0) {
            ca_file = v;
        } else if (strcmp(a, "--file") == 0) {
            doc_file = v;
        } else if (strcmp(a, "--out") == 0) {
            out_file = v;
        } else if (strcmp(a, "--type") == 0) {
            type = v;
        } else if (strcmp(a, "--pool") == 0) {
            pool_size = (size_t)strtoul(v, NULL, 10);
            if (pool_size < 1024 || pool_size > POOL_MAX) {
                return usage("--pool out of range");
            }
        } else if (strcmp(a, "--poll-ms") == 0) {
            poll_ms = (uint32_t)strtoul(v, NULL, 10);
        } else if (strcmp(a, "--timeout-ms") == 0) {
            timeout_ms = (uint32_t)strtoul(v, NULL, 10);
        } else {
            return usage("unknown option");
        }
    }
    if (endpoint[0] == '\0' || ca_file == NULL || doc_file == NULL || out_file == NULL || type == NULL) {
        return usage("--endpoint, --ca-file, --file, --type and --out are required");
    }

    /* Everything that may allocate comes first: files, the environment. */
    doc_len = slurp(doc_file, document, sizeof document);
    ca_len = slurp(ca_file, ca_pem, CA_MAX);
    if (doc_len <= 0 || ca_len <= 0) {
        fprintf(stderr, "nomalloc_job: cannot read %s\n", doc_len <= 0 ? doc_file : ca_file);
        return 2;
    }
    ca_pem[ca_len] = '\0';
    memset(&sink, 0, sizeof sink);
    sink.self_check = self_check;
    sink.fd = open(out_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (sink.fd < 0) {
        fprintf(stderr, "nomalloc_job: cannot create %s: %s\n", out_file, strerror(errno));
        return 2;
    }
    mbedtls_sha256_init(&sink.sha);
    mbedtls_sha256_starts(&sink.sha, 0);
    setvbuf(stdout, NULL, _IOLBF, 0);

    lkd_port_posix_init(&port);
    lkd_settings_default(&s, LKD_PROFILE_LKE);
    s.host = endpoint;
    s.port = api_port;
    s.resolve = resolve;
    s.resolve_count = resolve_count;
    s.result_hosts = result_hosts;
    s.result_host_count = result_host_count;
    s.secret_id = getenv("TENCENTCLOUD_SECRET_ID");
    s.secret_key = getenv("TENCENTCLOUD_SECRET_KEY");
    s.timeout_ms = timeout_ms < 30000u ? timeout_ms : 30000u;
    doc.size = (size_t)doc_len;
    memset(&src, 0, sizeof src);
    src.read = read_doc;
    src.user = &doc;
    src.size = (uint64_t)doc_len;
    lkd_create_default(&create);
    create.file_type = type;
    create.file = &src;
    lkd_wait_options_default(&wait);
    wait.timeout_ms = timeout_ms;
    wait.first_interval_ms = poll_ms;
    wait.max_interval_ms = poll_ms * 2;
    wait.progress = count_polls;
    wait.user = &polls;
    lkd_download_options_default(&dl);
    dl.timeout_ms = timeout_ms;
    dl.sink = sink_write;
    dl.user = &sink;

    /* ---- armed: the client's whole life, from the pool's set-up to its release ---- */
    armed = 1;
    if (self_check) {
        struct addrinfo hints, *list = NULL; /* libc allocates the answer: seen too */
        memset(&hints, 0, sizeof hints);
        hints.ai_flags = AI_NUMERICHOST;
        hints.ai_socktype = SOCK_STREAM;
        if (getaddrinfo("127.0.0.1", "443", &hints, &list) == 0) {
            freeaddrinfo(list);
        }
    }
    mbedtls_memory_buffer_alloc_init(pool, pool_size);
    what = "client init";
    st = lkd_client_init(&client, &s, &port);
    if (st == LKD_OK) {
        what = "add CA";
        st = lkd_client_add_ca(&client, ca_pem, (size_t)ca_len + 1);
    }
    mbedtls_memory_buffer_alloc_cur_get(&fixed_used, &fixed_blocks);
    if (st == LKD_OK) {
        what = "create";
        st = lkd_create(&client, &create, &task);
    }
    if (st == LKD_OK) {
        what = "wait";
        st = lkd_wait(&client, task.ptr, task.len, &wait, &result);
    }
    if (st == LKD_OK) {
        what = "download";
        dl.url = result.result_url;
        st = lkd_download_result(&client, client.internal.task_id, strlen(client.internal.task_id), &dl, &bytes);
    }
    last_error = client.internal.tls.last_mbedtls_error;
    handshakes = client.internal.tls.handshakes;
    resumed = client.internal.tls.resumed;
    mbedtls_memory_buffer_alloc_max_get(&used, &blocks);
    lkd_client_free(&client);
    /* PSA's state (its DRBG, the key slots' bookkeeping) belongs to the
     * process, not to the client, and outlives it: ended here so that what
     * is left in the pool is only what the client leaked. */
    mbedtls_psa_crypto_free();
    mbedtls_memory_buffer_alloc_cur_get(&left_used, &left_blocks);
    mbedtls_memory_buffer_alloc_free();
    armed = 0;
    /* ---- end of the window ---- */

    if (st != LKD_OK) {
        fprintf(stderr, "nomalloc_job: %s failed: %s", what, lkd_strerror(st));
        if (last_error != 0) {
            const char *name = mbedtls_name(last_error);
            fprintf(stderr, " (mbedTLS -0x%04X%s%s)", (unsigned)-last_error, name[0] ? " " : "", name);
        }
        if (pool_refused > 0) {
            fprintf(stderr, "; the TLS memory pool (%zu bytes) is too small: it refused %lu allocation%s",
                    pool_size, pool_refused, pool_refused == 1 ? "" : "s");
        }
        fputc('\n', stderr);
    }
    mbedtls_sha256_finish(&sink.sha, digest);
    mbedtls_sha256_free(&sink.sha);
    close(sink.fd);
    for (i = 0; i < 32; i++) {
        snprintf(hex + 2 * i, 3, "%02x", digest[i]);
    }

    total = counts[C_MALLOC] + counts[C_CALLOC] + counts[C_REALLOC] + counts[C_FREE] + counts[C_OTHER];
    printf("nomalloc: malloc=%lu calloc=%lu realloc=%lu free=%lu other=%lu pool-peak=%zu pool-used=%zu "
           "pool-blocks=%zu pool-fixed=%zu pool-size=%zu pool-refused=%lu pool-left=%zu client=%zu bytes=%llu sha256=%s polls=%u "
           "handshakes=%u resumed=%u status=%s\n",
           counts[C_MALLOC], counts[C_CALLOC], counts[C_REALLOC], counts[C_FREE], counts[C_OTHER], pool_peak, used,
           blocks, fixed_used + fixed_blocks * POOL_HEADER, pool_size, pool_refused, left_used, sizeof client, (unsigned long long)bytes, hex, (unsigned)polls,
           (unsigned)handshakes, (unsigned)resumed, status_word(st));
    if (total != 0 && !self_check) {
        fprintf(stderr, "nomalloc_job: %lu calls to the system allocator while armed (the first from %p)\n", total,
                first_caller);
    }
    counted = self_check ? counts[C_MALLOC] > 0 && counts[C_FREE] > 0 : total == 0;
    ok = st == LKD_OK && counted && left_used == 0 && left_blocks == 0;
    return ok ? 0 : 1;
}
