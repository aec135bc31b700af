/* The connection protocol (services/connection.c, channel.c, session*.c,
 * global_req.c) after authentication: a connection whose user is nobody,
 * with every forwarding refused, gets the input's records as messages:
 *   u16 length (big-endian), then the payload, message number first.
 * The handlers run straight from the dispatch table (fuzz_dispatch).
 * Requests that would start programs (exec, shell, subsystem) or
 * open network connections (anything but session channels) are dropped by
 * the harness: the fuzzer must not run commands. */
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz.h"
#include "services/auth.h"
#include "services/service.h"
#include "transport/crypto.h"
#include "transport/msg.h"

static struct config cfg;
static struct auth_result who;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const struct passwd *pw = getpwnam("nobody");
	(void)argc, (void)argv;
	crypto_init();
	fuzz_config(&cfg);
	cfg.allow_tcp_forwarding = 0;
	cfg.allow_agent_forwarding = 0;
	cfg.x11_forwarding = 0;
	cfg.client_alive_interval = 0;
	strcpy(who.user, "nobody");
	who.uid = pw ? pw->pw_uid : 65534;
	who.gid = pw ? pw->pw_gid : 65534;
	strcpy(who.home, "/nonexistent");
	strcpy(who.shell, "/bin/false");
	strcpy(who.method, "fuzz");
	who.no_port_forwarding = who.no_agent_forwarding = who.no_x11_forwarding = who.no_user_rc = 1;
	return 0;
}

/* 1 when the message may reach the server */
static int harmless(const uint8_t *p, size_t n)
{
	struct rd r;
	const uint8_t *s;
	size_t l;
	rd_init(&r, p + 1, n - 1);
	if (p[0] == SSH_MSG_CHANNEL_OPEN)
		/* channel type */
		return rd_string(&r, &s, &l) != SSH_OK || (l == 7 && !memcmp(s, "session", 7));
	if (p[0] == SSH_MSG_CHANNEL_REQUEST) {
		/* recipient channel, request type */
		if (rd_u32(&r, NULL) != SSH_OK || rd_string(&r, &s, &l) != SSH_OK)
			return 1;
		return !((l == 4 && !memcmp(s, "exec", 4)) || (l == 5 && !memcmp(s, "shell", 5)) ||
			 (l == 9 && !memcmp(s, "subsystem", 9)));
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conn *c = fuzz_service_conn(&cfg, 5);
	/* what userauth would leave: the connection owns it from here */
	if (!(c->auth = malloc(sizeof *c->auth)))
		abort();
	*c->auth = who;
	c->authenticated = 1;
	fuzz_service_install(c, connection_install);
	fuzz_dispatch(c, data, size, harmless);
	fuzz_service_end(c);
	return 0;
}
