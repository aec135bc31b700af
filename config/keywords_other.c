/* OpenSSH's sshd_config(5) keywords that sshd-lite does not implement:
 * each is accepted with the reason it cannot apply to a server started
 * once per connection, or refused at -t unless it keeps its default,
 * because ignoring it would weaken the server silently (an access
 * restriction, an authentication method). A row of keywords[] (config.c)
 * with the same name takes precedence: implementing a keyword is adding
 * its row there, and deleting its row here when convenient.
 *
 * {name, flags, what -T prints, the values accepted ('|'; NULL any; ""
 * none), why} */
#include <stddef.h>

#include "config/config.h"
#include "config/keywords.h"

#define LAUNCHER "the launcher owns the listening socket"
#define NOT_YET "not implemented yet"
#define DEPRECATED "deprecated in OpenSSH; ignored there too"
#define NO_GSS "sshd-lite has no GSSAPI/Kerberos"
#define NO_HOSTBASED "sshd-lite has no host-based authentication"
#define M KW_MATCH

const struct other_keyword other_keywords[] = {
	/* about the listening daemon, which sshd-lite never is */
	{"Port", KW_PORT, "22", NULL, LAUNCHER},
	{"ListenAddress", 0, NULL, NULL, LAUNCHER},
	{"AddressFamily", 0, "any", "any|inet|inet6", LAUNCHER},
	{"MaxStartups", 0, "10:30:100", NULL, LAUNCHER " and bounds its connections"},
	{"PerSourceMaxStartups", 0, "none", NULL, LAUNCHER " and bounds its connections"},
	{"PerSourceNetBlockSize", 0, "32:128", NULL, LAUNCHER " and bounds its connections"},
	{"PerSourcePenalties", 0, NULL, NULL, "penalties are kept by a listening daemon across connections"},
	{"PerSourcePenaltyExemptList", 0, NULL, NULL, "penalties are kept by a listening daemon"},
	{"PidFile", 0, "/run/sshd.pid", NULL, "no daemon, no pid file"},
	{"SshdSessionPath", 0, NULL, NULL, "sshd-lite is one program, no sshd-session"},
	{"SshdAuthPath", 0, NULL, NULL, "sshd-lite is one program, no sshd-auth"},
	{"IPQoS", M, "lowdelay throughput", NULL, "socket options are the launcher's"},
	{"RDomain", M, NULL, NULL, "the launcher binds the socket's routing domain"},
	{"DebianBanner", 0, NULL, "yes|no", "Debian's: the version string carries no distribution banner"},
	/* no tunnel forwarding yet: what it would allow is refused anyway */
	{"PermitTunnel", M, "no", "no", "tunnel forwarding is not implemented"},
	{"FingerprintHash", 0, "SHA256", "sha256", "fingerprints in the log are SHA256"},
	{"SecurityKeyProvider", 0, "internal", NULL, "the server never uses security keys itself"},
	{"LogVerbose", M, NULL, NULL, "sshd-lite has no per-function debug logging"},
	/* methods sshd-lite does not have: off is the only value */
	{"HostbasedAuthentication", M, "no", "no", NO_HOSTBASED},
	{"HostbasedUsesNameFromPacketOnly", M, "no", "yes|no", NO_HOSTBASED},
	{"HostbasedAcceptedAlgorithms", M, NULL, NULL, NO_HOSTBASED},
	{"HostbasedAcceptedKeyTypes", M | KW_ALIAS, NULL, NULL, NO_HOSTBASED},
	{"IgnoreRhosts", M, "yes", "yes|no|shosts-only", ".rhosts and .shosts are never read"},
	{"IgnoreUserKnownHosts", 0, "no", "yes|no", NO_HOSTBASED},
	{"KerberosAuthentication", M, "no", "no", NO_GSS},
	{"KerberosOrLocalPasswd", 0, "yes", "yes|no", NO_GSS},
	{"KerberosTicketCleanup", 0, "yes", "yes|no", NO_GSS},
	{"KerberosGetAFSToken", 0, NULL, "yes|no", NO_GSS},
	{"GSSAPIAuthentication", M, "no", "no", NO_GSS},
	{"GSSAPICleanupCredentials", 0, "yes", "yes|no", NO_GSS},
	{"GSSAPIStrictAcceptorCheck", 0, "yes", "yes|no", NO_GSS},
	{"GSSAPIDelegateCredentials", 0, NULL, "yes|no", NO_GSS},
	{"GSSAPIKeyExchange", 0, "no", "no", NO_GSS},
	{"GSSAPIStoreCredentialsOnRekey", 0, "no", "yes|no", NO_GSS},
	{"GSSAPIKexAlgorithms", 0, NULL, NULL, NO_GSS},
	/* being implemented (issue 14): until then only their defaults, since
	 * each restricts access or a session and must not be ignored */
	/* OpenSSH accepts and ignores these itself */
	{"Protocol", 0, NULL, NULL, "SSH-2 only, as OpenSSH"},
	{"UsePrivilegeSeparation", 0, NULL, NULL, DEPRECATED},
	{"PAMAuthenticationViaKbdInt", 0, NULL, NULL, DEPRECATED},
	{"ServerKeyBits", 0, NULL, NULL, DEPRECATED},
	{"KeyRegenerationInterval", 0, NULL, NULL, DEPRECATED},
	{"RhostsAuthentication", 0, NULL, NULL, DEPRECATED},
	{"RhostsRSAAuthentication", M, NULL, NULL, DEPRECATED},
	{"RSAAuthentication", M, NULL, NULL, DEPRECATED},
	{"CheckMail", 0, NULL, NULL, DEPRECATED},
	{"UseLogin", 0, NULL, NULL, DEPRECATED},
	{"VerifyReverseMapping", 0, NULL, NULL, DEPRECATED},
	{"ReverseMappingCheck", 0, NULL, NULL, DEPRECATED},
	{"AuthorizedKeysFile2", M, NULL, NULL, DEPRECATED},
	{"KerberosTgtPassing", 0, NULL, NULL, DEPRECATED},
	{"AFSTokenPassing", 0, NULL, NULL, DEPRECATED},
};

const size_t nother_keywords = sizeof other_keywords / sizeof other_keywords[0];
_Static_assert(sizeof other_keywords / sizeof other_keywords[0] <= CONFIG_MAX_OTHER, "raise CONFIG_MAX_OTHER");
