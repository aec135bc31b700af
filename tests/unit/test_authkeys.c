/* authorized_keys parsing: every option, malformed and over-long lines,
 * from= patterns, expiry times and the bounded line reader; and the
 * signatures of the security-key types those lines can hold. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tomcrypt.h>

#include "kex/hostkey.h"
#include "services/authkeys.h"
#include "services/userauth.h"
#include "t.h"
#include "transport/crypto.h"

#define ED "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMbTN+TkXg23f2fqsVLK8A6dddLZKuzCWsQfZ+GYGfL8"
#define EC "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBKxtRiuVjluNAwHK4s0GXPCIevz3tlpWuyiuenXDjO+DLeSAtBGhFK+P5k9uSAq4rPrepJlhLHfUxZnj/W/iqKI="

static struct authkey k;

static int parse(const char *line)
{
	const char *why;
	return authkey_parse(&k, line, strlen(line), &why);
}

static void plain(void)
{
	CHECK(parse(ED " comment here") == AUTHKEY_KEY && !strcmp(k.type, "ssh-ed25519") && k.blob.len == 51,
	      "plain ed25519 line");
	CHECK(parse(EC) == AUTHKEY_KEY && !strcmp(k.type, "ecdsa-sha2-nistp256"), "plain ecdsa line, no comment");
	CHECK(parse("  \t" ED "\r") == AUTHKEY_KEY, "leading blanks and a CR");
	CHECK(parse("") == AUTHKEY_BLANK, "empty line");
	CHECK(parse("   ") == AUTHKEY_BLANK, "blank line");
	CHECK(parse("# " ED) == AUTHKEY_BLANK, "comment line");
	CHECK(!k.command && !k.from && !k.no_pty && !k.has_expiry, "no options on a plain line");
}

static void flags(void)
{
	CHECK(parse("no-pty " ED) == AUTHKEY_KEY && k.no_pty && !k.no_port_forwarding, "no-pty");
	CHECK(parse("no-port-forwarding " ED) == AUTHKEY_KEY && k.no_port_forwarding, "no-port-forwarding");
	CHECK(parse("no-agent-forwarding " ED) == AUTHKEY_KEY && k.no_agent_forwarding, "no-agent-forwarding");
	CHECK(parse("no-X11-forwarding " ED) == AUTHKEY_KEY && k.no_x11_forwarding, "no-X11-forwarding (mixed case)");
	CHECK(parse("no-user-rc " ED) == AUTHKEY_KEY && k.no_user_rc, "no-user-rc");
	CHECK(parse("NO-PTY " ED) == AUTHKEY_KEY && k.no_pty, "option names are case-insensitive");
	CHECK(parse("restrict " ED) == AUTHKEY_KEY && k.no_pty && k.no_port_forwarding && k.no_agent_forwarding &&
		      k.no_x11_forwarding && k.no_user_rc,
	      "restrict sets every restriction");
	CHECK(parse("restrict,pty,port-forwarding " ED) == AUTHKEY_KEY && !k.no_pty && !k.no_port_forwarding &&
		      k.no_agent_forwarding && k.no_x11_forwarding && k.no_user_rc,
	      "restrict,pty,port-forwarding re-allows those two");
	CHECK(parse("restrict,agent-forwarding,X11-forwarding,user-rc " ED) == AUTHKEY_KEY && k.no_pty &&
		      !k.no_agent_forwarding && !k.no_x11_forwarding && !k.no_user_rc,
	      "restrict then agent-forwarding, X11-forwarding, user-rc");
	CHECK(parse("pty,restrict " ED) == AUTHKEY_KEY && k.no_pty, "restrict after pty wins");
	CHECK(parse("no-touch-required " ED) == AUTHKEY_KEY && k.no_touch_required, "no-touch-required");
	CHECK(parse("verify-required " ED) == AUTHKEY_KEY && k.verify_required, "verify-required");
	CHECK(parse("no-pty=\"x\" " ED) < 0, "a flag with a value is malformed");
}

static void values(void)
{
	CHECK(parse("command=\"echo hi\" " ED) == AUTHKEY_KEY && !strcmp(k.command, "echo hi"), "command=");
	CHECK(parse("command=\"echo \\\"q\\\" \\n\" " ED) == AUTHKEY_KEY && !strcmp(k.command, "echo \"q\" \\n"),
	      "command= unescapes only \\\"");
	CHECK(parse("command=\"\" " ED) == AUTHKEY_KEY && k.command && !*k.command, "empty command=");
	CHECK(parse("command=\"a\",command=\"b\" " ED) < 0, "command= twice is malformed");
	CHECK(parse("command=\"unterminated " ED) < 0, "unterminated quote");
	CHECK(parse("command=unquoted " ED) < 0, "unquoted value");
	CHECK(parse("command " ED) < 0, "command without a value");
	CHECK(parse("from=\"10.0.0.*,!10.0.0.5\",no-pty " ED) == AUTHKEY_KEY && !strcmp(k.from, "10.0.0.*,!10.0.0.5") &&
		      k.no_pty,
	      "from= with another option");
	CHECK(parse("from=\"\" " ED) < 0, "empty from= is malformed");
	CHECK(parse("permitopen=\"host:22\",permitopen=\"[::1]:*\",permitopen=\"10.1.1.1:8080\" " ED) ==
			  AUTHKEY_KEY &&
		      k.npermitopen == 3 && !strcmp(k.permitopen[0], "host:22") && !strcmp(k.permitopen[1], "[::1]:*"),
	      "permitopen= list");
	CHECK(parse("permitopen=\"host\" " ED) < 0, "permitopen= without a port");
	CHECK(parse("permitopen=\"host:99999\" " ED) < 0, "permitopen= with a bad port");
	CHECK(parse("permitopen=\":22\" " ED) < 0, "permitopen= without a host");
	CHECK(parse("permitlisten=\"8080\",permitlisten=\"localhost:9000\" " ED) == AUTHKEY_KEY &&
		      k.npermitlisten == 2 && !strcmp(k.permitlisten[1], "localhost:9000"),
	      "permitlisten= list");
	CHECK(parse("permitlisten=\"port\" " ED) < 0, "permitlisten= with a bad port");
	CHECK(parse("environment=\"FOO=bar baz\",environment=\"X_1=\" " ED) == AUTHKEY_KEY &&
		      k.nenvironment == 2 && !strcmp(k.environment[0], "FOO=bar baz"),
	      "environment= list");
	CHECK(parse("environment=\"FOO\" " ED) < 0, "environment= without =");
	CHECK(parse("environment=\"BAD-NAME=1\" " ED) < 0, "environment= with a bad name");
	{
		char line[4096];
		size_t n = 0;
		for (int i = 0; i < AUTH_MAX_LIST + 1; i++)
			n += (size_t)snprintf(line + n, sizeof line - n, "permitopen=\"h:%d\",", i + 1);
		snprintf(line + n - 1, sizeof line - n + 1, " %s", ED);
		CHECK(parse(line) < 0, "more than %d permitopen= entries is malformed", AUTH_MAX_LIST);
	}
}

static void expiry(void)
{
	time_t t;
	CHECK(authkey_parse_time("20300101Z", &t) == SSH_OK && t == 1893456000, "expiry date, UTC");
	CHECK(authkey_parse_time("203001010000Z", &t) == SSH_OK && t == 1893456000, "expiry date and minute, UTC");
	CHECK(authkey_parse_time("20300101000001Z", &t) == SSH_OK && t == 1893456001, "expiry with seconds, UTC");
	CHECK(authkey_parse_time("20300101", &t) == SSH_OK, "expiry in local time");
	CHECK(authkey_parse_time("20300231", &t) != SSH_OK, "31 February refused");
	CHECK(authkey_parse_time("2030010", &t) != SSH_OK, "seven digits refused");
	CHECK(authkey_parse_time("2030x101", &t) != SSH_OK, "letters refused");
	CHECK(parse("expiry-time=\"20300101Z\" " ED) == AUTHKEY_KEY && k.has_expiry && k.expiry == 1893456000,
	      "expiry-time=");
	CHECK(parse("expiry-time=\"20300101Z\",expiry-time=\"20200101Z\" " ED) == AUTHKEY_KEY &&
		      k.expiry == 1577836800,
	      "the earliest expiry-time wins");
	CHECK(parse("expiry-time=\"soon\" " ED) < 0, "malformed expiry-time");
}

static void malformed(void)
{
	CHECK(parse("tunnel=\"0\" " ED) < 0, "unsupported option skips the line");
	CHECK(parse("cert-authority,principals=\"a,b\" " ED) == AUTHKEY_KEY && k.cert_authority &&
		  !strcmp(k.principals, "a,b"),
	      "cert-authority with principals=");
	CHECK(parse("principals=\"\" " ED) < 0, "empty principals= refused");
	CHECK(parse("no-pty,bogus " ED) < 0, "unknown option after a known one");
	CHECK(parse("bogus-option " ED) < 0, "unknown option alone");
	CHECK(parse("ssh-dss AAAAB3NzaC1kc3MAAACBAP") < 0, "unsupported key type");
	CHECK(parse("ssh-ed25519") < 0, "type without a key");
	CHECK(parse("ssh-ed25519 !!!notbase64") < 0, "bad base64");
	CHECK(parse("ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIMbTN+TkXg23f2fqsVLK8A6dddLZKuzCWsQfZ+GYGfL8") < 0,
	      "type word that differs from the blob's type");
	CHECK(parse("no-pty,") < 0, "options without a key");
	CHECK(parse("no-pty, " ED) < 0, "space after a comma ends the options");
	{
		char line[] = "no-pty " ED;
		line[3] = 0;
		CHECK(authkey_parse(&k, line, sizeof line - 1, &(const char *){0}) < 0, "NUL byte in a line");
	}
	{
		size_t n = AUTHKEYS_LINE_MAX + 10;
		char *line = malloc(n + 1);
		const char *why;
		memset(line, ' ', n);
		memcpy(line + n - strlen(ED), ED, strlen(ED));
		line[n] = 0;
		CHECK(authkey_parse(&k, line, n, &why) < 0, "line over the limit refused by the parser");
		free(line);
	}
}

static void from(void)
{
	CHECK(authkey_from_match("192.0.2.7", "192.0.2.7") == 1, "from= exact address");
	CHECK(authkey_from_match("192.0.2.7", "192.0.2.70") == 0, "from= no prefix match");
	CHECK(authkey_from_match("192.0.2.*", "192.0.2.70") == 1, "from= * pattern");
	CHECK(authkey_from_match("192.0.2.?", "192.0.2.7") == 1 && authkey_from_match("192.0.2.?", "192.0.2.70") == 0,
	      "from= ? pattern");
	CHECK(authkey_from_match("192.0.2.*,!192.0.2.66", "192.0.2.66") == 0, "from= negation wins");
	CHECK(authkey_from_match("!192.0.2.66,192.0.2.*", "192.0.2.66") == 0, "from= negation first");
	CHECK(authkey_from_match("!192.0.2.66", "192.0.2.1") == 0, "from= only a negation is no match");
	CHECK(authkey_from_match("10.*,192.0.2.*", "192.0.2.1") == 1, "from= second entry");
	CHECK(authkey_from_match("192.0.2.0/24", "192.0.2.200") == 1, "from= CIDR v4");
	CHECK(authkey_from_match("192.0.2.0/25", "192.0.2.200") == 0, "from= CIDR v4 outside");
	CHECK(authkey_from_match("0.0.0.0/0", "203.0.113.9") == 1, "from= CIDR /0");
	CHECK(authkey_from_match("2001:db8::/32", "2001:db8:1::5") == 1, "from= CIDR v6");
	CHECK(authkey_from_match("2001:db8::/32", "2001:db9::5") == 0, "from= CIDR v6 outside");
	CHECK(authkey_from_match("192.0.2.0/33", "192.0.2.1") == 0, "from= bad CIDR denies");
	CHECK(authkey_from_match("*,192.0.2.0/x", "192.0.2.1") == 0, "from= a malformed entry denies the list");
	CHECK(authkey_from_match("*", "UNKNOWN") == 1, "from= * matches even UNKNOWN");
	CHECK(authkey_from_match("127.0.0.1", "UNKNOWN") == 0, "from= address vs UNKNOWN");
	CHECK(authkey_from_match("2001:DB8::1", "2001:db8::1") == 1, "from= case-insensitive");
	CHECK(glob_match("a*b*c", 5, "aXXbYYc") && !glob_match("a*b*c", 5, "aXXbYY"), "glob backtracking");
	CHECK(glob_match("*", 1, "") && !glob_match("?", 1, ""), "glob empty subject");
}

static int pipe_with(const char *data, size_t n)
{
	int p[2];
	if (pipe(p))
		return -1;
	/* small enough for the pipe buffer except in the long-line test,
	 * which writes from a child */
	if (fork() == 0) {
		close(p[0]);
		while (n) {
			ssize_t w = write(p[1], data, n);
			if (w <= 0)
				_exit(1);
			data += w;
			n -= (size_t)w;
		}
		_exit(0);
	}
	close(p[1]);
	return p[0];
}

static void reader(void)
{
	static struct linereader r;
	const char *line;
	size_t len, big = AUTHKEYS_LINE_MAX * 3;
	int toolong, e, fd;
	char *data = malloc(big + 1024);
	size_t n;

	/* line 1 fine, line 2 far too long with a key at its end, line 3 fine,
	 * last line without a newline */
	n = (size_t)sprintf(data, "# first\n");
	memset(data + n, 'x', big);
	n += big;
	n += (size_t)sprintf(data + n, " command=\"evil\" %s\n%s\n%s", ED, EC, ED);
	fd = pipe_with(data, n);
	lr_init(&r, fd);
	e = lr_next(&r, &line, &len, &toolong);
	CHECK(e == 1 && !toolong && len == 7 && !memcmp(line, "# first", 7), "reader: first line");
	e = lr_next(&r, &line, &len, &toolong);
	CHECK(e == 1 && toolong && r.lineno == 2, "reader: over-long line reported as one line");
	e = lr_next(&r, &line, &len, &toolong);
	CHECK(e == 1 && !toolong && len == strlen(EC) && !memcmp(line, EC, len) && r.lineno == 3,
	      "reader: the tail of a long line does not become a line");
	e = lr_next(&r, &line, &len, &toolong);
	CHECK(e == 1 && !toolong && len == strlen(ED), "reader: last line without newline");
	CHECK(lr_next(&r, &line, &len, &toolong) == 0, "reader: end of file");
	close(fd);

	/* exactly at the limit is fine; one more is too long, even at EOF */
	memset(data, 'y', AUTHKEYS_LINE_MAX);
	data[AUTHKEYS_LINE_MAX] = '\n';
	memset(data + AUTHKEYS_LINE_MAX + 1, 'z', AUTHKEYS_LINE_MAX + 1);
	fd = pipe_with(data, 2 * AUTHKEYS_LINE_MAX + 2);
	lr_init(&r, fd);
	e = lr_next(&r, &line, &len, &toolong);
	CHECK(e == 1 && !toolong && len == AUTHKEYS_LINE_MAX, "reader: a line of exactly the limit");
	e = lr_next(&r, &line, &len, &toolong);
	CHECK(e == 1 && toolong, "reader: last line over the limit without newline");
	CHECK(lr_next(&r, &line, &len, &toolong) == 0, "reader: end after a long last line");
	close(fd);
	free(data);
}


/* ---- security-key signatures (PROTOCOL.u2f), made with plain keys ---- */

struct skcase {
	struct buf blob, sig;
};

/* signs data the way an authenticator would: over SHA256(app) || flags ||
 * counter || SHA256(data); bad_counter signs one counter and claims another */
static int sk_make(struct hostkey *k, const char *skname, const char *plain, uint8_t flags, uint32_t counter,
		   const char *app, const char *data, int bad_counter, struct skcase *sc)
{
	struct buf pub, s;
	struct rd r;
	const uint8_t *f1, *f2, *raw;
	size_t l1, l2, rawl;
	uint8_t msg[69];
	unsigned long hl = 32;

	buf_init(&pub, 0);
	buf_init(&s, 0);
	buf_init(&sc->blob, 0);
	buf_init(&sc->sig, 0);
	if (hostkey_public_blob(k, &pub) != SSH_OK)
		return -1;
	rd_init(&r, pub.d, pub.len);
	rd_string(&r, NULL, NULL);
	buf_cstring(&sc->blob, skname);
	rd_string(&r, &f1, &l1);
	buf_string(&sc->blob, f1, l1);
	if (rd_string(&r, &f2, &l2) == SSH_OK) /* ECDSA: curve, then Q */
		buf_string(&sc->blob, f2, l2);
	buf_cstring(&sc->blob, app);
	hash_memory(idx_sha256(), (const uint8_t *)app, strlen(app), msg, &hl);
	msg[32] = flags;
	put_u32(msg + 33, counter);
	hash_memory(idx_sha256(), (const uint8_t *)data, strlen(data), msg + 37, &hl);
	if (hostkey_sign(k, sigalg_find((const uint8_t *)plain, strlen(plain)), msg, sizeof msg, &s) != SSH_OK)
		return -1;
	rd_init(&r, s.d, s.len);
	rd_string(&r, NULL, NULL);
	rd_string(&r, &raw, &rawl);
	buf_cstring(&sc->sig, skname);
	buf_string(&sc->sig, raw, rawl);
	buf_u8(&sc->sig, flags);
	buf_u32(&sc->sig, counter + (bad_counter ? 1 : 0));
	buf_free(&pub);
	buf_free(&s);
	return 0;
}

static int sk_check(const char *skname, struct skcase *sc, const char *data, int touch, int verify)
{
	int e = sk_verify(skname, sc->blob.d, sc->blob.len, (const uint8_t *)data, strlen(data), sc->sig.d,
			  sc->sig.len, touch, verify);
	buf_free(&sc->blob);
	buf_free(&sc->sig);
	return e;
}

enum { M_NONE, M_COUNTER, M_DATA, M_FLAGS, M_APP, M_TRUNC, M_NAME };

static const struct {
	uint8_t flags;
	int mutate, touch, verify, want;
	const char *what;
} sk_cases[] = {
	{0x01, M_NONE, 1, 0, SSH_OK, "touched signature verifies"},
	{0x00, M_NONE, 1, 0, SSH_ERR_AUTH, "no touch refused when required"},
	{0x00, M_NONE, 0, 0, SSH_OK, "no touch accepted with no-touch-required"},
	{0x01, M_NONE, 1, 1, SSH_ERR_AUTH, "verify-required without UV refused"},
	{0x05, M_NONE, 1, 1, SSH_OK, "verify-required with UV"},
	{0x01, M_COUNTER, 1, 0, SSH_ERR_SIG, "altered counter refused"},
	{0x01, M_DATA, 1, 0, SSH_ERR_SIG, "other data refused"},
	{0x01, M_FLAGS, 1, 0, SSH_ERR_SIG, "flags claiming UV that was not signed refused"},
	{0x01, M_APP, 1, 0, SSH_ERR_SIG, "other application refused"},
	{0x01, M_TRUNC, 1, 0, SSH_ERR_FORMAT, "truncated signature is malformed"},
	{0x01, M_NAME, 1, 0, SSH_ERR_SIG, "signature of another algorithm refused"},
};

static void sk_type(enum keytype t, const char *skname, const char *plain)
{
	struct hostkey k;
	struct skcase sc;
	const char *d = "session id and request";

	if (hostkey_generate(&k, t, 0) != SSH_OK) {
		CHECK(0, "%s: key generation", skname);
		return;
	}
	for (size_t i = 0; i < sizeof sk_cases / sizeof sk_cases[0]; i++) {
		int m = sk_cases[i].mutate;
		sk_make(&k, skname, plain, sk_cases[i].flags, 7, "ssh:", d, m == M_COUNTER, &sc);
		if (m == M_FLAGS)
			sc.sig.d[sc.sig.len - 5] ^= 0x04; /* flags precede the counter */
		if (m == M_APP)
			sc.blob.d[sc.blob.len - 1] = 'X'; /* "ssh:" becomes "sshX" */
		if (m == M_TRUNC)
			sc.sig.len -= 1;
		if (m == M_NAME)
			sc.sig.d[4] = 'X';
		CHECK(sk_check(skname, &sc, m == M_DATA ? "other data" : d, sk_cases[i].touch, sk_cases[i].verify) ==
			      sk_cases[i].want,
		      "%s: %s", skname, sk_cases[i].what);
	}
	hostkey_free(&k);
}

int main(void)
{
	if (crypto_init() != 0)
		return 1;
	authkey_init(&k);
	plain();
	flags();
	values();
	expiry();
	malformed();
	from();
	reader();
	sk_type(KEY_ED25519, "sk-ssh-ed25519@openssh.com", "ssh-ed25519");
	sk_type(KEY_ECDSA_P256, "sk-ecdsa-sha2-nistp256@openssh.com", "ecdsa-sha2-nistp256");
	authkey_free(&k);
	return t_done();
}
