/* rusage: the benchmark's ProxyCommand (with ProxyUseFdpass=yes).
 *
 *   rusage OUT PIDFILE PROGRAM [ARGS...]
 *
 * Makes a loopback TCP connection, starts PROGRAM with one end as its stdin
 * and stdout (as inetd would) and hands the other end to the ssh client over
 * stdout (SCM_RIGHTS), then exits so the client can go on. A detached
 * monitor process stays the server's parent: it writes the server's pid to
 * PIDFILE, waits for it and writes one line to OUT:
 *
 *   user_seconds system_seconds maxrss_kib exit_status
 *
 * With RUSAGE_INETD set it is started by a launcher instead, the
 * connection on its stdin and stdout: PROGRAM gets that, and this process
 * is the monitor (for a client that cannot take a ProxyCommand here: the
 * chrooted OpenSSH 10 client connects over loopback TCP).
 *
 * The times and maxrss come from wait4() on the server and on every orphan
 * it leaves (the monitor is a child subreaper), so they cover all of the
 * server's processes, the user's command included: wait4() reports a
 * child's own times plus those of the children it waited for, and a child
 * nobody waited for comes here. The one process this cannot see is one
 * reaped automatically (its parent ignoring SIGCHLD, or SA_NOCLDWAIT): the
 * kernel drops its times, so a server measured here waits for each child
 * it forks or leaves it behind (sshd-lite's monitor, the privilege-
 * separated pre-authentication child). Both files are
 * written under a temporary name and renamed, so a reader never sees half a
 * line. A real socket rather than the client's pipes because Dropbear's
 * inetd mode refuses anything else. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static int write_atomic(const char *path, const char *text)
{
	char tmp[4096];
	FILE *f;
	if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
		return -1;
	f = fopen(tmp, "w");
	if (!f)
		return -1;
	fputs(text, f);
	if (fclose(f) != 0)
		return -1;
	return rename(tmp, path);
}

/* a connected loopback TCP pair: *client and *server */
static int tcp_pair(int *client, int *server)
{
	struct sockaddr_in a;
	socklen_t len = sizeof a;
	int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), c = -1, s = -1;

	if (l < 0)
		return -1;
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(l, (struct sockaddr *)&a, sizeof a) < 0 || listen(l, 1) < 0 ||
	    getsockname(l, (struct sockaddr *)&a, &len) < 0)
		goto fail;
	c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof a) < 0)
		goto fail;
	s = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	if (s < 0)
		goto fail;
	close(l);
	*client = c;
	*server = s;
	return 0;
fail:
	perror("rusage: loopback connection");
	close(l);
	if (c >= 0)
		close(c);
	return -1;
}

static int send_fd(int over, int fd)
{
	char byte = 0, ctl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {&byte, 1};
	struct msghdr m;
	struct cmsghdr *cm;

	memset(&m, 0, sizeof m);
	memset(ctl, 0, sizeof ctl);
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = ctl;
	m.msg_controllen = sizeof ctl;
	cm = CMSG_FIRSTHDR(&m);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	while (sendmsg(over, &m, 0) < 0) {
		if (errno != EINTR) {
			perror("rusage: sendmsg");
			return -1;
		}
	}
	return 0;
}

static int monitor(char **argv, int sfd)
{
	struct rusage ru;
	char line[256];
	double ut = 0, stt = 0;
	long maxrss = 0;
	pid_t pid;
	int st = 0, fd;

	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		perror("rusage: PR_SET_CHILD_SUBREAPER");
	pid = fork();
	if (pid < 0) {
		perror("rusage: fork");
		return 127;
	}
	if (pid == 0) {
		if (dup2(sfd, 0) < 0 || dup2(sfd, 1) < 0)
			_exit(127);
		execv(argv[3], argv + 3);
		fprintf(stderr, "rusage: %s: %s\n", argv[3], strerror(errno));
		_exit(127);
	}
	close(sfd);
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		if (fd > 2)
			close(fd);
	}
	snprintf(line, sizeof line, "%ld\n", (long)pid);
	write_atomic(argv[2], line);
	/* the server, then whatever it left behind: orphans come to this
	 * process (a subreaper), so a server whose parent exits before its
	 * children (OpenSSH's monitor) is counted whole */
	for (;;) {
		int s;
		pid_t p = wait4(-1, &s, 0, &ru);
		if (p < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ECHILD)
				break;
			perror("rusage: wait4");
			return 127;
		}
		if (p == pid)
			st = s;
		ut += ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6;
		stt += ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
		if (ru.ru_maxrss > maxrss)
			maxrss = ru.ru_maxrss;
	}
	snprintf(line, sizeof line, "%.6f %.6f %ld %d\n", ut, stt, maxrss,
		 WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	if (write_atomic(argv[1], line) != 0) {
		perror("rusage: report");
		return 127;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int cfd, sfd;
	pid_t pid;

	if (argc < 4) {
		fprintf(stderr, "usage: rusage OUT PIDFILE PROGRAM [ARGS...]\n");
		return 127;
	}
	if (getenv("RUSAGE_INETD"))
		return monitor(argv, 0);
	if (getenv("RUSAGE_TCP")) {
		if (tcp_pair(&cfd, &sfd) < 0)
			return 127;
	} else {
		int sv[2];
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
			perror("rusage: socketpair");
			return 127;
		}
		cfd = sv[0];
		sfd = sv[1];
	}
	pid = fork();
	if (pid < 0) {
		perror("rusage: fork");
		return 127;
	}
	if (pid == 0) {
		/* the monitor outlives this process and must not hold the
		 * client's fd-passing socket open */
		setsid();
		signal(SIGHUP, SIG_IGN);
		signal(SIGPIPE, SIG_IGN);
		close(cfd);
		_exit(monitor(argv, sfd));
	}
	close(sfd);
	return send_fd(1, cfd) == 0 ? 0 : 127;
}
