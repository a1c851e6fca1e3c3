/*
 * Runs a process function so that even programs that bypass libc (Go makes its own connect system call; static Go
 * resolves names itself) see the sandbox's VPC: `sandbox-launch PROGRAM ARGS...`.
 *
 * The child installs a seccomp filter that turns every connect(2) into a user notification (SECCOMP_RET_USER_NOTIF,
 * allowed without privileges under no_new_privs, inherited by its children), hands the filter's listener to this
 * process over a socketpair, and executes PROGRAM. This process supervises: for an IPv4 TCP connect it takes a
 * duplicate of the caller's socket (pidfd_getfd), steers it as the preload library does (SandboxSteering.h: the
 * real port, the ENI source address, the dropped-connection address) and connects it itself, answering with that
 * connect's result (EINPROGRESS for a non-blocking socket, whose flags the duplicate shares; a blocking one is
 * connected on a thread of its own, so an unanswered SYN stalls only its caller); a UDP connect to port 53 goes to
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

/* A filter that notifies this process of every connect(2) of the x86_64 or aarch64 ABI and allows the rest. */
static int install_filter(void) {
    struct sock_filter code[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_connect, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog program = {.len = sizeof code / sizeof code[0], .filter = code};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return -1;
    return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &program);
}

/* connect(2) itself: this process runs with the preload library in LD_PRELOAD (for the program it starts), whose
 * connect must not steer the connections this process makes. */
static int plain_connect(int fd, const struct sockaddr *address, socklen_t length) { return (int)syscall(SYS_connect, fd, address, length); }

/* Connects `socket` (a duplicate of the caller's) where the sandbox says; returns 0 or -errno. */
static int steer(int socket_fd, const struct sockaddr_in *destination) {
    int type = 0;
    socklen_t size = sizeof type;
    if (getsockopt(socket_fd, SOL_SOCKET, SO_TYPE, &type, &size) != 0) return -errno;
    struct sockaddr_in target;
    if (type == SOCK_DGRAM) {
        if (ntohs(destination->sin_port) != 53 || getenv("CLOUDSANDBOX_DNS") == NULL || !parse_address(getenv("CLOUDSANDBOX_DNS"), &target)) return 1;
    } else if (type == SOCK_STREAM) {
        steer_stream(socket_fd, destination, &target, plain_connect);
    } else {
        return 1;
    }
    return plain_connect(socket_fd, (struct sockaddr *)&target, sizeof target) == 0 ? 0 : -errno;
}

/* One notification being answered: a blocking connect is answered from a thread of its own, so a connection whose
 * SYNs go unanswered stalls only its caller, as it would without the launcher. */
struct pending {
    int listener;
    int socket_fd;
    struct sockaddr_in destination;
    struct seccomp_notif_resp *response;
};

static void answer(struct pending *work) {
    int result = steer(work->socket_fd, &work->destination);
    if (result <= 0) {
        work->response->flags = 0;
        work->response->error = result;
        work->response->val = 0;
    }
    close(work->socket_fd);
    (void)ioctl(work->listener, SECCOMP_IOCTL_NOTIF_SEND, work->response);
    free(work->response);
    free(work);
}

static void *answer_in_thread(void *work) {
    answer(work);
    return NULL;
}

/* The process (thread group) of thread `tid`: pidfd_open takes a process, and a notification names the thread. */
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
        size_t length = (size_t)request->data.args[2];
        struct iovec local = {.iov_base = &work->destination, .iov_len = sizeof work->destination};
        struct iovec remote = {.iov_base = (void *)(uintptr_t)request->data.args[1], .iov_len = sizeof work->destination};
        int pidfd = -1;
        if (length >= sizeof work->destination
            && process_vm_readv((pid_t)request->pid, &local, 1, &remote, 1, 0) == (ssize_t)sizeof work->destination
            && work->destination.sin_family == AF_INET && ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &request->id) == 0
            && (pidfd = (int)syscall(SYS_pidfd_open, process_of((pid_t)request->pid), 0)) >= 0) {
            work->socket_fd = (int)syscall(SYS_pidfd_getfd, pidfd, (int)request->data.args[0], 0);
        }
        if (pidfd >= 0) close(pidfd);
        if (work->socket_fd < 0 && work->destination.sin_family == AF_INET && ntohs(work->destination.sin_port) == 53) {
            /* A DNS query that cannot be steered never leaves for the machine's nameserver: fail it. */
            response->flags = 0;
            response->error = -ENETUNREACH;
        }
        if (work->socket_fd < 0) {
            (void)ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, response);
            free(response);
            free(work);
            continue;
        }
        pthread_t thread;
        int blocking = !(fcntl(work->socket_fd, F_GETFL) & O_NONBLOCK);
        if (!blocking || pthread_create(&thread, &detached, answer_in_thread, work) != 0) answer(work);
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
