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
 * Everything else passes through unchanged. Statically linked programs do not load it; under the launcher
 * (SandboxLaunch.c, which sets CLOUDSANDBOX_LAUNCHED) connect is left to the launcher.
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

#include "SandboxSteering.h"

typedef int (*getaddrinfo_fn)(const char *, const char *, const struct addrinfo *, struct addrinfo **);
typedef int (*connect_fn)(int, const struct sockaddr *, socklen_t);

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

int connect(int fd, const struct sockaddr *addr, socklen_t len) {
    static connect_fn real = NULL;
    if (real == NULL) real = (connect_fn)dlsym(RTLD_NEXT, "connect");
    if (addr == NULL || addr->sa_family != AF_INET || len < (socklen_t)sizeof(struct sockaddr_in)) return real(fd, addr, len);
    /* Under the launcher, which steers every connect system call itself, steering here too would steer twice. */
    if (getenv("CLOUDSANDBOX_LAUNCHED") != NULL) return real(fd, addr, len);
    struct sockaddr_in target;
    steer_stream(fd, (const struct sockaddr_in *)addr, &target, real);
    return real(fd, (struct sockaddr *)&target, sizeof target);
}
