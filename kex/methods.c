/* The key exchange methods, one row each. A new method (a PQ hybrid) is a
 * row here plus its struct agree. */
#include <string.h>

#include "kex/kex.h"
#include "transport/namelist.h"

static const struct kex_method m_mlkem768x25519 = {"mlkem768x25519-sha256", "sha256", 0, 0, &agree_mlkem768x25519, NULL};
static const struct kex_method m_sntrup = {"sntrup761x25519-sha512", "sha512", 0, 0, &agree_sntrup761x25519, NULL};
static const struct kex_method m_sntrup_openssh = {"sntrup761x25519-sha512@openssh.com", "sha512", 0, 0, &agree_sntrup761x25519, NULL};
/* as in OpenSSH, available by name but not offered by default */
static const struct kex_method m_mlkem768nistp256 = {"mlkem768nistp256-sha256", "sha256", 1, 0, &agree_mlkem768nistp256, NULL};
static const struct kex_method m_c25519 = {"curve25519-sha256", "sha256", 0, 0, &agree_x25519, NULL};
static const struct kex_method m_c25519_libssh = {"curve25519-sha256@libssh.org", "sha256", 0, 0, &agree_x25519, NULL};
static const struct kex_method m_p256 = {"ecdh-sha2-nistp256", "sha256", 0, 0, &agree_ecdh, &ecdh_p256};
static const struct kex_method m_p384 = {"ecdh-sha2-nistp384", "sha384", 0, 0, &agree_ecdh, &ecdh_p384};
static const struct kex_method m_p521 = {"ecdh-sha2-nistp521", "sha512", 0, 0, &agree_ecdh, &ecdh_p521};
static const struct kex_method m_gex256 = {"diffie-hellman-group-exchange-sha256", "sha256", 0, 1, &agree_dh, NULL};
static const struct kex_method m_g16 = {"diffie-hellman-group16-sha512", "sha512", 0, 0, &agree_dh, &dh_group16};
static const struct kex_method m_g18 = {"diffie-hellman-group18-sha512", "sha512", 0, 0, &agree_dh, &dh_group18};
static const struct kex_method m_g14_256 = {"diffie-hellman-group14-sha256", "sha256", 0, 0, &agree_dh, &dh_group14};
static const struct kex_method m_g14_1 = {"diffie-hellman-group14-sha1", "sha1", 1, 0, &agree_dh, &dh_group14};
static const struct kex_method m_g1_1 = {"diffie-hellman-group1-sha1", "sha1", 1, 0, &agree_dh, &dh_group1};
static const struct kex_method m_gex1 = {"diffie-hellman-group-exchange-sha1", "sha1", 1, 1, &agree_dh, NULL};

const struct kex_method *const kex_methods[] = {
	&m_mlkem768x25519,
	&m_sntrup, &m_sntrup_openssh,
	&m_mlkem768nistp256,
	&m_c25519, &m_c25519_libssh, &m_p256, &m_p384, &m_p521, &m_gex256,
	&m_g16, &m_g18, &m_g14_256, &m_g14_1, &m_g1_1, &m_gex1, NULL,
};

const struct kex_method *kex_method_find(const char *name, size_t len)
{
	for (int i = 0; kex_methods[i]; i++)
		if (name_eq(kex_methods[i]->name, name, len))
			return kex_methods[i];
	return NULL;
}
