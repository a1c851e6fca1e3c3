/*
 * What the preload library (SandboxPreload.c) and the launcher (SandboxLaunch.c) both decide: where a process
 * function's IPv4 connection goes, from the variables the sandbox sets (CLOUDSANDBOX_PORTS, _SOURCE, _BLACKHOLE,
 * _DROPPED, _HOSTS, _HOSTS_FILE). Included by each; every function is static.
 */
#ifndef SANDBOX_STEERING_H
#define SANDBOX_STEERING_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

typedef int (*steer_connect_fn)(int, const struct sockaddr *, socklen_t);

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
__attribute__((unused)) static int lookup_file(const char *path, const char *key, char *out, size_t size) {
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

/*
 * Where a TCP connection to `destination` goes: a destination in CLOUDSANDBOX_PORTS to the port it really listens
 * on; one the network denies (CLOUDSANDBOX_DROPPED) is probed once on the real path with `dial`, so its listener
 * logs the denial, then sent to CLOUDSANDBOX_BLACKHOLE, where SYNs go unanswered; a loopback target is dialed from
 * CLOUDSANDBOX_SOURCE (the function's ENI alias) unless `fd` is bound already.
 */
static void steer_stream(int fd, const struct sockaddr_in *destination, struct sockaddr_in *target, steer_connect_fn dial) {
    memcpy(target, destination, sizeof *target);
    char host[INET_ADDRSTRLEN], key[INET_ADDRSTRLEN + 8], port[16];
    if (inet_ntop(AF_INET, &target->sin_addr, host, sizeof host) == NULL) return;
    snprintf(key, sizeof key, "%s:%u", host, (unsigned)ntohs(target->sin_port));
    if (lookup(getenv("CLOUDSANDBOX_PORTS"), key, port, sizeof port)) target->sin_port = htons((unsigned short)atoi(port));
    const char *source = getenv("CLOUDSANDBOX_SOURCE");
    struct sockaddr_in hole;
    const char *black = getenv("CLOUDSANDBOX_BLACKHOLE");
    if (black != NULL && listed(getenv("CLOUDSANDBOX_DROPPED"), key) && parse_address(black, &hole)) {
        int probe = socket(AF_INET, SOCK_STREAM, 0);
        if (probe >= 0) {
            bind_source(probe, source);
            (void)dial(probe, (struct sockaddr *)target, sizeof *target);
            close(probe);
        }
        *target = hole;
    }
    if (source != NULL && (ntohl(target->sin_addr.s_addr) >> 24) == 127) {
        struct sockaddr_in bound;
        socklen_t size = sizeof bound;
        if (getsockname(fd, (struct sockaddr *)&bound, &size) == 0 && bound.sin_family == AF_INET && bound.sin_port == 0) bind_source(fd, source);
    }
}

#endif
