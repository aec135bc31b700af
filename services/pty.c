/* Pseudo-terminals for sessions: opening one with the client's window size
 * and terminal modes (RFC 4254 6.2 and 8), and making it a child's
 * controlling terminal. */
#include <fcntl.h>
#include <pty.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "services/session.h"
#include "transport/err.h"

enum { M_CC, M_IFLAG, M_LFLAG, M_OFLAG, M_CFLAG, M_ISPEED, M_OSPEED };

struct mode {
	uint8_t opcode;
	uint8_t kind;
	tcflag_t value; /* the flag, or the c_cc index */
};

/* RFC 4254 8 and RFC 8160 (IUTF8); modes Linux lacks are skipped */
static const struct mode modes[] = {
	{1, M_CC, VINTR}, {2, M_CC, VQUIT}, {3, M_CC, VERASE}, {4, M_CC, VKILL}, {5, M_CC, VEOF},
	{6, M_CC, VEOL}, {7, M_CC, VEOL2}, {8, M_CC, VSTART}, {9, M_CC, VSTOP}, {10, M_CC, VSUSP},
	{12, M_CC, VREPRINT}, {13, M_CC, VWERASE}, {14, M_CC, VLNEXT},
#ifdef VSWTC
	{16, M_CC, VSWTC},
#endif
	{18, M_CC, VDISCARD},
	{30, M_IFLAG, IGNPAR}, {31, M_IFLAG, PARMRK}, {32, M_IFLAG, INPCK}, {33, M_IFLAG, ISTRIP},
	{34, M_IFLAG, INLCR}, {35, M_IFLAG, IGNCR}, {36, M_IFLAG, ICRNL},
#ifdef IUCLC
	{37, M_IFLAG, IUCLC},
#endif
	{38, M_IFLAG, IXON}, {39, M_IFLAG, IXANY}, {40, M_IFLAG, IXOFF},
#ifdef IMAXBEL
	{41, M_IFLAG, IMAXBEL},
#endif
#ifdef IUTF8
	{42, M_IFLAG, IUTF8},
#endif
	{50, M_LFLAG, ISIG}, {51, M_LFLAG, ICANON},
#ifdef XCASE
	{52, M_LFLAG, XCASE},
#endif
	{53, M_LFLAG, ECHO}, {54, M_LFLAG, ECHOE}, {55, M_LFLAG, ECHOK}, {56, M_LFLAG, ECHONL},
	{57, M_LFLAG, NOFLSH}, {58, M_LFLAG, TOSTOP}, {59, M_LFLAG, IEXTEN},
#ifdef ECHOCTL
	{60, M_LFLAG, ECHOCTL},
#endif
#ifdef ECHOKE
	{61, M_LFLAG, ECHOKE},
#endif
#ifdef PENDIN
	{62, M_LFLAG, PENDIN},
#endif
	{70, M_OFLAG, OPOST},
#ifdef OLCUC
	{71, M_OFLAG, OLCUC},
#endif
	{72, M_OFLAG, ONLCR}, {73, M_OFLAG, OCRNL}, {74, M_OFLAG, ONOCR}, {75, M_OFLAG, ONLRET},
	{90, M_CFLAG, CS7}, {91, M_CFLAG, CS8}, {92, M_CFLAG, PARENB}, {93, M_CFLAG, PARODD},
	{128, M_ISPEED, 0}, {129, M_OSPEED, 0},
};

static const struct {
	uint32_t baud;
	speed_t speed;
} speeds[] = {
	{0, B0}, {50, B50}, {75, B75}, {110, B110}, {134, B134}, {150, B150}, {200, B200},
	{300, B300}, {600, B600}, {1200, B1200}, {1800, B1800}, {2400, B2400}, {4800, B4800},
	{9600, B9600}, {19200, B19200}, {38400, B38400}, {57600, B57600}, {115200, B115200},
	{230400, B230400},
};

static int speed_of(uint32_t baud, speed_t *sp)
{
	for (size_t i = 0; i < sizeof speeds / sizeof speeds[0]; i++) {
		if (speeds[i].baud == baud) {
			*sp = speeds[i].speed;
			return 1;
		}
	}
	return 0;
}

static void set_flag(tcflag_t *f, tcflag_t v, uint32_t on)
{
	if (on)
		*f |= v;
	else
		*f &= ~v;
}

static void apply(struct termios *t, const struct mode *m, uint32_t arg)
{
	speed_t sp;
	switch (m->kind) {
	case M_CC:
		/* 255 is how clients encode a disabled character */
		t->c_cc[m->value] = arg == 255 ? _POSIX_VDISABLE : (cc_t)arg;
		break;
	case M_IFLAG: set_flag(&t->c_iflag, m->value, arg); break;
	case M_LFLAG: set_flag(&t->c_lflag, m->value, arg); break;
	case M_OFLAG: set_flag(&t->c_oflag, m->value, arg); break;
	case M_CFLAG:
		if (m->value == CS7 || m->value == CS8) {
			/* character sizes are a field, not single bits */
			if (arg)
				t->c_cflag = (t->c_cflag & ~CSIZE) | m->value;
		} else {
			set_flag(&t->c_cflag, m->value, arg);
		}
		break;
	case M_ISPEED:
		if (speed_of(arg, &sp))
			cfsetispeed(t, sp);
		break;
	case M_OSPEED:
		if (speed_of(arg, &sp))
			cfsetospeed(t, sp);
		break;
	}
}

void pty_apply_modes(struct termios *t, const uint8_t *p, size_t n)
{
	size_t i = 0;
	while (i < n) {
		uint8_t op = p[i++];
		uint32_t arg;
		/* TTY_OP_END, or opcodes 160-255, which are undefined and stop
		 * the parsing because their argument size is unknown */
		if (op == 0 || op >= 160)
			return;
		/* opcodes 1-159 take a uint32 argument */
		if (n - i < 4)
			return;
		arg = (uint32_t)p[i] << 24 | (uint32_t)p[i + 1] << 16 | (uint32_t)p[i + 2] << 8 | p[i + 3];
		i += 4;
		for (size_t k = 0; k < sizeof modes / sizeof modes[0]; k++) {
			if (modes[k].opcode == op) {
				apply(t, &modes[k], arg);
				break;
			}
		}
	}
}

int pty_open(struct pty *p, const struct winsize *ws, const uint8_t *m, size_t mlen)
{
	struct termios t;
	p->master = p->slave = -1;
	/* openpty's name argument has no size: ask ttyname_r instead */
	if (openpty(&p->master, &p->slave, NULL, NULL, ws) < 0)
		return SSH_ERR_IO;
	if (ttyname_r(p->slave, p->name, sizeof p->name) != 0 || tcgetattr(p->slave, &t) < 0)
		goto fail;
	pty_apply_modes(&t, m, mlen);
	if (tcsetattr(p->slave, TCSANOW, &t) < 0)
		goto fail;
	if (fcntl(p->master, F_SETFD, FD_CLOEXEC) < 0 || fcntl(p->slave, F_SETFD, FD_CLOEXEC) < 0 ||
	    fcntl(p->master, F_SETFL, fcntl(p->master, F_GETFL) | O_NONBLOCK) < 0)
		goto fail;
	return SSH_OK;
fail:
	pty_close(p);
	return SSH_ERR_IO;
}

void pty_close(struct pty *p)
{
	if (p->master >= 0)
		close(p->master);
	if (p->slave >= 0)
		close(p->slave);
	p->master = p->slave = -1;
}

int pty_make_controlling(int slave)
{
	if (setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) < 0)
		return -1;
	if (dup2(slave, 0) < 0 || dup2(slave, 1) < 0 || dup2(slave, 2) < 0)
		return -1;
	if (slave > 2)
		close(slave);
	return 0;
}
