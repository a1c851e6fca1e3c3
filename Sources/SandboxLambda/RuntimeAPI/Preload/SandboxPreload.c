/*
 * Steers a process function's sockets into the sandbox, as its VPC would:
 *  - getaddrinfo: names in CLOUDSANDBOX_HOSTS_FILE ("name=127.a.b.c" lines the sandbox rewrites as answers change,
 *    read on every lookup, as a resolver without a cache asks again) or CLOUDSANDBOX_HOSTS ("name=127.a.b.c,...")
 *    resolve to their loopback alias;
 *  - connect: an IPv4 destination in CLOUDSANDBOX_PORTS ("127.a.b.c:3306=40123,...") goes to the port it really
 *    listens on, and a loopback destination is dialed from CLOUDSANDBOX_SOURCE (the function's ENI alias);
 *  - a destination in CLOUDSANDBOX_DROPPED (the network denies it) is probed once on the real path, so its listener
 *    logs the denial, then dialed at CLOUDSANDBOX_BLACKHOLE, where SYNs go unanswered: the caller's own connect
 *    timeout fires, as against a security group that drops.
 * Everything else passes through unchanged. Statically linked programs do not load it.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dlfcn.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

typedef int (*getaddrinfo_fn)(const char *, const char *, const struct addrinfo *, struct addrinfo **);
typedef int (*connect_fn)(int, const struct sockaddr *, socklen_t);

/* Finds `key` in a "key=value,key=value" list; copies the value into `out`. */
static int lookup(const char *list, const char *key, char *out, size_t size) {
    if (list == NULL || key == NULL) return 0;
    size_t length = strlen(key);
    const char *cursor = list;
    while (*cursor) {
        const char *end = strchr(cursor, ',');
        size_t entry = end ? (size_t)(end - cursor) : strlen(cursor);
        if (entry > length && strncasecmp(cursor, key, length) == 0 && cursor[length] == '=') {
            size_t value = entry - length - 1;
            if (value >= size) return 0;
            memcpy(out, cursor + length + 1, value);
            out[value] = '\0';
            return 1;
        }
        if (!end) break;
        cursor = end + 1;
    }
    return 0;
}

/* Finds `key` in a file of "key=value" lines. */
static int lookup_file(const char *path, const char *key, char *out, size_t size) {
    FILE *file = path == NULL || key == NULL ? NULL : fopen(path, "r");
    if (file == NULL) return 0;
    char line[512];
    int found = 0;
    while (!found && fgets(line, sizeof line, file) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        found = lookup(line, key, out, size);
    }
    fclose(file);
    return found;
}

int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints, struct addrinfo **res) {
    static getaddrinfo_fn real = NULL;
    if (real == NULL) real = (getaddrinfo_fn)dlsym(RTLD_NEXT, "getaddrinfo");
    char address[64];
    if (node != NULL && (lookup_file(getenv("CLOUDSANDBOX_HOSTS_FILE"), node, address, sizeof address)
                         || lookup(getenv("CLOUDSANDBOX_HOSTS"), node, address, sizeof address))) {
        return real(address, service, hints, res);
    }
    return real(node, service, hints, res);
}

/* Parses "a.b.c.d:port" into `out`. */
static int parse_address(const char *text, struct sockaddr_in *out) {
    char host[INET_ADDRSTRLEN];
    const char *colon = strrchr(text, ':');
    if (colon == NULL || (size_t)(colon - text) >= sizeof host) return 0;
    memcpy(host, text, (size_t)(colon - text));
    host[colon - text] = '\0';
    memset(out, 0, sizeof *out);
    out->sin_family = AF_INET;
    out->sin_port = htons((unsigned short)atoi(colon + 1));
    return inet_pton(AF_INET, host, &out->sin_addr) == 1;
}

/* Whether `key` is one of the comma-separated entries of `list`. */
static int listed(const char *list, const char *key) {
    if (list == NULL) return 0;
    size_t length = strlen(key);
    for (const char *cursor = list; (cursor = strstr(cursor, key)) != NULL; cursor += length) {
        int starts = cursor == list || cursor[-1] == ',';
        int ends = cursor[length] == '\0' || cursor[length] == ',';
        if (starts && ends) return 1;
    }
    return 0;
}

static void bind_source(int fd, const char *source) {
    struct sockaddr_in local;
    memset(&local, 0, sizeof local);
    local.sin_family = AF_INET;
    if (source != NULL && inet_pton(AF_INET, source, &local.sin_addr) == 1) (void)bind(fd, (struct sockaddr *)&local, sizeof local);
}

int connect(int fd, const struct sockaddr *addr, socklen_t len) {
    static connect_fn real = NULL;
    if (real == NULL) real = (connect_fn)dlsym(RTLD_NEXT, "connect");
    if (addr == NULL || addr->sa_family != AF_INET || len < (socklen_t)sizeof(struct sockaddr_in)) return real(fd, addr, len);
    struct sockaddr_in target;
    memcpy(&target, addr, sizeof target);
    char host[INET_ADDRSTRLEN], key[INET_ADDRSTRLEN + 8], port[16];
    if (inet_ntop(AF_INET, &target.sin_addr, host, sizeof host) == NULL) return real(fd, addr, len);
    snprintf(key, sizeof key, "%s:%u", host, (unsigned)ntohs(target.sin_port));
    if (lookup(getenv("CLOUDSANDBOX_PORTS"), key, port, sizeof port)) target.sin_port = htons((unsigned short)atoi(port));
    const char *source = getenv("CLOUDSANDBOX_SOURCE");
    struct sockaddr_in hole;
    const char *black = getenv("CLOUDSANDBOX_BLACKHOLE");
    if (black != NULL && listed(getenv("CLOUDSANDBOX_DROPPED"), key) && parse_address(black, &hole)) {
        int probe = socket(AF_INET, SOCK_STREAM, 0);
        if (probe >= 0) {
            bind_source(probe, source);
            (void)real(probe, (struct sockaddr *)&target, sizeof target);
            close(probe);
        }
        target = hole;
    }
    if (source != NULL && (ntohl(target.sin_addr.s_addr) >> 24) == 127) {
        struct sockaddr_in bound;
        socklen_t size = sizeof bound;
        if (getsockname(fd, (struct sockaddr *)&bound, &size) == 0 && bound.sin_family == AF_INET && bound.sin_port == 0) bind_source(fd, source);
    }
    return real(fd, (struct sockaddr *)&target, sizeof target);
}
