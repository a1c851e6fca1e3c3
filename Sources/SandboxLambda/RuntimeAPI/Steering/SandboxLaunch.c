/*
 * Runs a process function so that even programs that bypass libc (Go makes its own connect system call; static Go
 * resolves names itself) see the sandbox's VPC: `sandbox-launch PROGRAM ARGS...`.
 *
 * The child installs a seccomp filter that turns every connect(2) into a user notification (SECCOMP_RET_USER_NOTIF,
 * allowed without privileges under no_new_privs, inherited by its children), hands the filter's listener to this
 * process over a socketpair, and executes PROGRAM. This process supervises: for an IPv4 TCP connect it takes a
 * duplicate of the caller's socket (pidfd_getfd), steers it as the preload library does (SandboxSteering.h: the
 * real port, the ENI source address, the dropped-connection address) and connects it itself, answering with that
 * connect's result (EINPROGRESS for a non-blocking socket, whose flags the duplicate shares; a blocking one that may
 * wait on unanswered SYNs is connected on a thread of its own, so it stalls only its caller); a UDP connect to port 53 goes to
 * the sandbox's DNS responder (CLOUDSANDBOX_DNS, "a.b.c.d:port"); anything else continues unchanged. The program
 * runs with CLOUDSANDBOX_LAUNCHED set, so the preload library leaves connect to this process.
 * It exits with the child's status, and the child dies with it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include "SandboxSteering.h"

static pid_t child = -1;

static int send_fd(int channel, int fd) {
    char byte = 0;
    struct iovec data = {.iov_base = &byte, .iov_len = 1};
    char control[CMSG_SPACE(sizeof(int))];
    memset(control, 0, sizeof control);
    struct msghdr message = {.msg_iov = &data, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control};
    struct cmsghdr *header = CMSG_FIRSTHDR(&message);
    header->cmsg_level = SOL_SOCKET;
    header->cmsg_type = SCM_RIGHTS;
    header->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(header), &fd, sizeof(int));
    return sendmsg(channel, &message, 0) == 1 ? 0 : -1;
}

static int receive_fd(int channel) {
    char byte;
    struct iovec data = {.iov_base = &byte, .iov_len = 1};
    char control[CMSG_SPACE(sizeof(int))];
    struct msghdr message = {.msg_iov = &data, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control};
    if (recvmsg(channel, &message, 0) != 1) return -1;
    struct cmsghdr *header = CMSG_FIRSTHDR(&message);
    if (header == NULL || header->cmsg_type != SCM_RIGHTS) return -1;
    int fd;
    memcpy(&fd, CMSG_DATA(header), sizeof(int));
    return fd;
}

/* A filter that notifies this process of every connect(2) of the x86_64 or aarch64 ABI and allows the rest. With
 * SPEC_ALLOW, a kernel whose speculative-store-bypass mitigation is "prctl and seccomp" leaves the program's speed
 * as it was: the filter guards no secret, it only routes connects. */
static int install_filter(void) {
    struct sock_filter code[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_connect, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog program = {.len = sizeof code / sizeof code[0], .filter = code};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return -1;
    return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_SPEC_ALLOW, &program);
}

/* connect(2) itself: this process runs with the preload library in LD_PRELOAD (for the program it starts), whose
 * connect must not steer the connections this process makes. */
static int plain_connect(int fd, const struct sockaddr *address, socklen_t length) { return (int)syscall(SYS_connect, fd, address, length); }

/* What the supervisor does with one caller's connect. */
enum action { CONTINUE, CONNECT_HERE, CONNECT_ON_THREAD };

/* Decides where `socket_fd` (a duplicate of the caller's) goes: CONTINUE lets the call through unchanged; otherwise
 * `target` is set. A connect that completes at once (a blocking socket to a loopback listener, or any non-blocking
 * one) is made on the supervisor's thread; one whose SYNs may go unanswered (the dropped-connection address, or
 * beyond loopback) on a thread of its own, so it stalls only its caller, as it would without the launcher. */
static enum action plan(int socket_fd, const struct sockaddr_in *destination, struct sockaddr_in *target) {
    int type = 0;
    socklen_t size = sizeof type;
    if (getsockopt(socket_fd, SOL_SOCKET, SO_TYPE, &type, &size) != 0) return CONTINUE;
    if (type == SOCK_DGRAM) {
        const char *dns = getenv("CLOUDSANDBOX_DNS");
        return ntohs(destination->sin_port) == 53 && dns != NULL && parse_address(dns, target) ? CONNECT_HERE : CONTINUE;
    }
    if (type != SOCK_STREAM) return CONTINUE;
    steer_stream(socket_fd, destination, target, plain_connect);
    if (fcntl(socket_fd, F_GETFL) & O_NONBLOCK) return CONNECT_HERE;
    struct sockaddr_in hole;
    const char *black = getenv("CLOUDSANDBOX_BLACKHOLE");
    int dropped = black != NULL && parse_address(black, &hole) && hole.sin_addr.s_addr == target->sin_addr.s_addr && hole.sin_port == target->sin_port;
    return !dropped && (ntohl(target->sin_addr.s_addr) >> 24) == 127 ? CONNECT_HERE : CONNECT_ON_THREAD;
}

/* One notification being answered. */
struct pending {
    int listener;
    int socket_fd;
    struct sockaddr_in target;
    struct seccomp_notif_resp *response;
};

/* Connects the duplicate where `plan` said and answers the caller with that connect's result (EINPROGRESS for a
 * non-blocking socket, whose flags the duplicate shares). */
static void answer(struct pending *work) {
    work->response->flags = 0;
    work->response->error = plain_connect(work->socket_fd, (struct sockaddr *)&work->target, sizeof work->target) == 0 ? 0 : -errno;
    work->response->val = 0;
    close(work->socket_fd);
    (void)ioctl(work->listener, SECCOMP_IOCTL_NOTIF_SEND, work->response);
    free(work->response);
    free(work);
}

static void *answer_in_thread(void *work) {
    answer(work);
    return NULL;
}

/* The process (thread group) of thread `tid`, from /proc. */
static pid_t process_of(pid_t tid) {
    char path[64], line[128];
    snprintf(path, sizeof path, "/proc/%d/status", (int)tid);
    FILE *status = fopen(path, "r");
    if (status == NULL) return tid;
    pid_t tgid = tid;
    while (fgets(line, sizeof line, status) != NULL) {
        if (strncmp(line, "Tgid:", 5) == 0) {
            tgid = (pid_t)atoi(line + 5);
            break;
        }
    }
    fclose(status);
    return tgid;
}

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif

/* A pidfd through which pidfd_getfd reaches the descriptors of thread `tid`, the one a notification names: Linux 6.9
 * and later open any thread with PIDFD_THREAD; before that, pidfd_open takes a process (its main thread's id), and
 * another thread's process comes from /proc. */
static int pidfd_of(pid_t tid) {
    int pidfd = (int)syscall(SYS_pidfd_open, tid, PIDFD_THREAD);
    if (pidfd < 0) pidfd = (int)syscall(SYS_pidfd_open, tid, 0);
    if (pidfd < 0) pidfd = (int)syscall(SYS_pidfd_open, process_of(tid), 0);
    return pidfd;
}

static void supervise(int listener) {
    struct seccomp_notif_sizes sizes;
    if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) != 0) return;
    struct seccomp_notif *request = calloc(1, sizes.seccomp_notif);
    if (request == NULL) return;
    pthread_attr_t detached;
    pthread_attr_init(&detached);
    pthread_attr_setdetachstate(&detached, PTHREAD_CREATE_DETACHED);
    for (;;) {
        /* The listener reports POLLHUP once every process under the filter is gone. */
        struct pollfd ready = {.fd = listener, .events = POLLIN};
        if (poll(&ready, 1, -1) < 0) {
            if (errno == EINTR) continue;
            return;
        }
        if (!(ready.revents & POLLIN)) return;
        memset(request, 0, sizes.seccomp_notif);
        if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, request) != 0) {
            if (errno == EINTR || errno == ENOENT) continue;
            return;
        }
        struct pending *work = calloc(1, sizeof *work);
        struct seccomp_notif_resp *response = calloc(1, sizes.seccomp_notif_resp);
        if (work == NULL || response == NULL) return;
        response->id = request->id;
        response->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
        *work = (struct pending){.listener = listener, .socket_fd = -1, .response = response};
        struct sockaddr_in destination = {0};
        size_t length = (size_t)request->data.args[2];
        struct iovec local = {.iov_base = &destination, .iov_len = sizeof destination};
        struct iovec remote = {.iov_base = (void *)(uintptr_t)request->data.args[1], .iov_len = sizeof destination};
        int pidfd = -1;
        if (length >= sizeof destination && process_vm_readv((pid_t)request->pid, &local, 1, &remote, 1, 0) == (ssize_t)sizeof destination
            && destination.sin_family == AF_INET && ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &request->id) == 0
            && (pidfd = pidfd_of((pid_t)request->pid)) >= 0) {
            work->socket_fd = (int)syscall(SYS_pidfd_getfd, pidfd, (int)request->data.args[0], 0);
            /* The caller may have died and its thread id been reused between the check and pidfd_open: a descriptor
             * taken from whoever holds the id now is never connected. */
            if (work->socket_fd >= 0 && ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &request->id) != 0) {
                close(work->socket_fd);
                work->socket_fd = -1;
            }
        }
        if (pidfd >= 0) close(pidfd);
        int dns = destination.sin_family == AF_INET && ntohs(destination.sin_port) == 53;
        enum action action = work->socket_fd < 0 ? CONTINUE : plan(work->socket_fd, &destination, &work->target);
        if (action == CONTINUE) {
            /* A DNS query that cannot be steered never leaves for the machine's nameserver: fail it. */
            if (work->socket_fd < 0 && dns) {
                response->flags = 0;
                response->error = -ENETUNREACH;
            }
            if (work->socket_fd >= 0) close(work->socket_fd);
            (void)ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, response);
            free(response);
            free(work);
            continue;
        }
        pthread_t thread;
        if (action == CONNECT_HERE || pthread_create(&thread, &detached, answer_in_thread, work) != 0) answer(work);
    }
}

static void forward(int signal_number) {
    if (child > 0) kill(child, signal_number);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s PROGRAM [ARGS...]\n", argv[0]);
        return 2;
    }
    /* Whoever started this process may have blocked signals; SIGTERM must reach the forwarder and PROGRAM. */
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    int channel[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, channel) != 0) return 127;
    pid_t parent = getpid();
    child = fork();
    if (child < 0) return 127;
    if (child == 0) {
        close(channel[0]);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) _exit(127);
        int listener = install_filter();
        if (listener < 0) {
            fprintf(stderr, "sandbox-launch: cannot intercept connect (seccomp user notification: %s); the function runs without it\n", strerror(errno));
        } else {
            /* The parent's copy is what it supervises with; this one must not stay open in PROGRAM. */
            if (send_fd(channel[1], listener) != 0) _exit(127);
            close(listener);
        }
        close(channel[1]);
        /* PROGRAM starts as Lambda's processes do: no signal ignored that the sandbox ignores (SIGPIPE). */
        for (int number = 1; number < NSIG; number++) {
            struct sigaction current;
            if (number != SIGKILL && number != SIGSTOP && sigaction(number, NULL, &current) == 0 && current.sa_handler == SIG_IGN) signal(number, SIG_DFL);
        }
        setenv("CLOUDSANDBOX_LAUNCHED", "1", 1);
        execvp(argv[1], argv + 1);
        fprintf(stderr, "sandbox-launch: cannot run %s: %s\n", argv[1], strerror(errno));
        _exit(127);
    }
    close(channel[1]);
    signal(SIGTERM, forward);
    signal(SIGINT, forward);
    signal(SIGHUP, forward);
    int listener = receive_fd(channel[0]);
    close(channel[0]);
    if (listener >= 0) supervise(listener);
    int status = 0;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR) {}
    if (WIFSIGNALED(status)) {
        signal(WTERMSIG(status), SIG_DFL);
        raise(WTERMSIG(status));
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
