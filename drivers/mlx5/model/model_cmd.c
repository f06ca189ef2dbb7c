/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * The model's command interface: it reads the same mailboxes the driver
 * sends to a real device through DevX and answers with PRM outputs,
 * including error status and syndrome for what it rejects. Objects: the
 * transport domain, TISes, encryption keys (single or bulk), and
 * SYNC_CRYPTO, which a key id that the device has cached needs before it
 * may take another key (fact sheet 1.2).
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model_priv.h"
#include "../mlx5_prm.h"

/* Syndromes the model reports with a failed status (model-specific). */
#define MM_SYND_BAD_OPCODE 0x10000001u
#define MM_SYND_BAD_LEN 0x10000002u
#define MM_SYND_BAD_FIELD 0x10000003u
#define MM_SYND_NO_RESOURCE 0x10000004u

static int
fail(struct mlx5_model *m, void *out, size_t outlen, uint8_t status,
		uint32_t synd)
{
	m->st.command_errors++;
	if (outlen >= 8) {
		memset(out, 0, 8);
		((uint8_t *)out)[MLX5_CMD_OUT_STATUS] = status;
		mlx5_put_be32((uint8_t *)out + MLX5_CMD_OUT_SYNDROME, synd);
	}
	return 0;   /* delivered: the status says what happened */
}

static int
ok(void *out, size_t outlen, size_t want)
{
	memset(out, 0, RTE_MIN(outlen, want));
	return 0;
}

static void
query_caps(struct mlx5_model *m, unsigned int type, uint8_t *cap)
{
	memset(cap, 0, MLX5_HCA_CAP_LEN);
	switch (type) {
	case MLX5_CAP_GENERAL:
		MLX5_PRM_SET(cap, MLX5_GCAP_TLS_TX, 1);
		MLX5_PRM_SET(cap, MLX5_GCAP_CRYPTO, 1);
		MLX5_PRM_SET(cap, MLX5_GCAP_GENERAL_OBJ_TYPES,
			MLX5_GENERAL_OBJ_TYPES_DEK);
		MLX5_PRM_SET(cap, MLX5_GCAP_LOG_MAX_DEK,
			m->conf.log_max_dek ? m->conf.log_max_dek : 14);
		MLX5_PRM_SET(cap, MLX5_GCAP_LOG_MAX_TIS, 12);
		break;
	case MLX5_CAP_TLS:
		MLX5_PRM_SET(cap, MLX5_TLSCAP_12_AES_GCM_128, 1);
		MLX5_PRM_SET(cap, MLX5_TLSCAP_12_AES_GCM_256, 1);
		MLX5_PRM_SET(cap, MLX5_TLSCAP_13_AES_GCM_128, !m->conf.no_tls13);
		MLX5_PRM_SET(cap, MLX5_TLSCAP_13_AES_GCM_256, !m->conf.no_tls13);
		break;
	case MLX5_CAP_CRYPTO:
		MLX5_PRM_SET(cap, MLX5_CCAP_SYNCHRONIZE_DEK, 1);
		MLX5_PRM_SET(cap, MLX5_CCAP_LOG_DEK_MAX_ALLOC,
			m->conf.log_dek_max_alloc ? m->conf.log_dek_max_alloc : 12);
		MLX5_PRM_SET(cap, MLX5_CCAP_LOG_MAX_NUM_DEKS,
			m->conf.log_max_dek ? m->conf.log_max_dek : 14);
		break;
	default:
		break;
	}
}

int
mm_cmd(struct mlx5_model *m, const void *in, size_t inlen, void *out,
		size_t outlen)
{
	const uint8_t *p = in;
	uint16_t opcode, op_mod;

	m->st.commands++;
	if (inlen < MLX5_CMD_HDR_LEN)
		return fail(m, out, outlen, MLX5_CMD_STAT_BAD_INP_LEN_ERR,
			MM_SYND_BAD_LEN);
	if (outlen < 16)
		return fail(m, out, outlen, MLX5_CMD_STAT_BAD_OUTP_LEN_ERR,
			MM_SYND_BAD_LEN);
	opcode = mlx5_get_be16(p + MLX5_CMD_IN_OPCODE);
	op_mod = mlx5_get_be16(p + MLX5_CMD_IN_OP_MOD);
	switch (opcode) {
	case MLX5_CMD_QUERY_HCA_CAP:
		if (outlen < MLX5_QUERY_HCA_CAP_OUT_LEN)
			return fail(m, out, outlen,
				MLX5_CMD_STAT_BAD_OUTP_LEN_ERR, MM_SYND_BAD_LEN);
		/* Only the capability pages this device has. */
		if ((op_mod >> 1) != MLX5_CAP_GENERAL &&
		    (op_mod >> 1) != MLX5_CAP_TLS &&
		    (op_mod >> 1) != MLX5_CAP_CRYPTO)
			return fail(m, out, outlen, MLX5_CMD_STAT_BAD_PARAM_ERR,
				MM_SYND_BAD_FIELD);
		ok(out, outlen, MLX5_QUERY_HCA_CAP_OUT_LEN);
		query_caps(m, op_mod >> 1,
			(uint8_t *)out + MLX5_HCA_CAP_OUT_CAP);
		return 0;
	case MLX5_CMD_SYNC_CRYPTO: {
		uint16_t type = mlx5_get_be16(p + MLX5_SYNC_CRYPTO_TYPE);
		uint32_t i;

		/* BIT(0): every type; BIT(1): TLS keys. */
		if ((type & 0x3) == 0)
			return fail(m, out, outlen, MLX5_CMD_STAT_BAD_PARAM_ERR,
				MM_SYND_BAD_FIELD);
		for (i = 0; i < m->nb_dek; i++) {
			m->dek[i].used = false;
			m->dek[i].stale = false;
		}
		return ok(out, outlen, MLX5_SYNC_CRYPTO_OUT_LEN);
	}
	default:
		return fail(m, out, outlen, MLX5_CMD_STAT_BAD_OP_ERR,
			MM_SYND_BAD_OPCODE);
	}
}

/* Key fields of an encryption_key_obj into @k; false if they are wrong. */
static bool
read_key(const struct mlx5_model *m, const uint8_t *obj, struct mm_dek *k)
{
	unsigned int size = (unsigned int)MLX5_PRM_GET(obj, MLX5_DEK_KEY_SIZE);
	unsigned int purpose =
		(unsigned int)MLX5_PRM_GET(obj, MLX5_DEK_KEY_PURPOSE);
	uint32_t pd = (uint32_t)MLX5_PRM_GET(obj, MLX5_DEK_PD);

	if (purpose != MLX5_DEK_PURPOSE_TLS || size > MLX5_DEK_KEY_SIZE_256 ||
	    !m->pd_given || pd != m->pdn)
		return false;
	/* An AES-128 key sits in the second half: the first must be zero. */
	if (size == MLX5_DEK_KEY_SIZE_128) {
		static const uint8_t zero[16];

		if (memcmp(obj + MLX5_DEK_KEY, zero, 16) != 0)
			return false;
	}
	k->key_size = (uint8_t)size;
	k->pd = pd;
	memcpy(k->key, obj + MLX5_DEK_KEY, 32);
	return true;
}

static int
create_dek(struct mlx5_model *m, const uint8_t *p, size_t inlen, void *out,
		size_t outlen, struct mm_obj **objp)
{
	unsigned int log_range =
		(unsigned int)MLX5_PRM_GET(p, MLX5_GOBJ_LOG_OBJ_RANGE);
	uint32_t count = 1u << log_range, i, base = m->dek_next;
	unsigned int max_alloc = m->conf.log_dek_max_alloc ?
		m->conf.log_dek_max_alloc : 12;
	struct mm_obj *obj;

	if (inlen < MLX5_DEK_IN_LEN)
		return fail(m, out, outlen, MLX5_CMD_STAT_BAD_INP_LEN_ERR,
			MM_SYND_BAD_LEN);
	if (log_range > max_alloc)
		return fail(m, out, outlen, MLX5_CMD_STAT_BAD_PARAM_ERR,
			MM_SYND_BAD_FIELD);
	if (base + count > m->nb_dek)
		return fail(m, out, outlen, MLX5_CMD_STAT_NO_RES_ERR,
			MM_SYND_NO_RESOURCE);
	if (log_range == 0) {
		struct mm_dek k;

		memset(&k, 0, sizeof(k));
		if (!read_key(m, p + MLX5_DEK_OBJ_OFF, &k))
			return fail(m, out, outlen, MLX5_CMD_STAT_BAD_PARAM_ERR,
				MM_SYND_BAD_FIELD);
		k.allocated = true;
		k.keyed = true;
		k.gen = ++m->key_seq;
		m->dek[base] = k;
	} else {
		/* A bulk: ids base .. base + count - 1, without keys yet. */
		for (i = 0; i < count; i++) {
			memset(&m->dek[base + i], 0, sizeof(m->dek[0]));
			m->dek[base + i].allocated = true;
		}
	}
	obj = calloc(1, sizeof(*obj));
	if (obj == NULL)
		return -ENOMEM;
	obj->kind = MM_OBJ_DEK;
	obj->id = base;
	obj->count = count;
	m->dek_next = base + count;
	ok(out, outlen, MLX5_GOBJ_OUT_LEN);
	mlx5_put_be32((uint8_t *)out + MLX5_GOBJ_OUT_OBJ_ID, base);
	*objp = obj;
	return 0;
}

static int
create_tis(struct mlx5_model *m, const uint8_t *p, size_t inlen, void *out,
		size_t outlen, struct mm_obj **objp)
{
	const uint8_t *tisc = p + MLX5_TISC_OFF;
	uint32_t td, pd, n;
	struct mm_obj *obj;
	struct mm_tis *t;

	if (inlen < MLX5_CREATE_TIS_IN_LEN)
		return fail(m, out, outlen, MLX5_CMD_STAT_BAD_INP_LEN_ERR,
			MM_SYND_BAD_LEN);
	td = (uint32_t)MLX5_PRM_GET(tisc, MLX5_TISC_TRANSPORT_DOMAIN);
	pd = (uint32_t)MLX5_PRM_GET(tisc, MLX5_TISC_PD);
	if (td == 0 || td > MM_MAX_TD || !m->td_used[td - 1] ||
	    !m->pd_given || pd != m->pdn)
		return fail(m, out, outlen, MLX5_CMD_STAT_BAD_PARAM_ERR,
			MM_SYND_BAD_FIELD);
	/* TIS numbers start at 1: 0 in a WQE means "the SQ's own TIS". */
	for (n = 1; n < MM_MAX_TIS && m->tis[n].allocated; n++)
		;
	if (n == MM_MAX_TIS)
		return fail(m, out, outlen, MLX5_CMD_STAT_NO_RES_ERR,
			MM_SYND_NO_RESOURCE);
	obj = calloc(1, sizeof(*obj));
	if (obj == NULL)
		return -ENOMEM;
	t = &m->tis[n];
	memset(&t->tls, 0, offsetof(struct mm_tls, ctx));
	t->allocated = true;
	t->tls_en = MLX5_PRM_GET(tisc, MLX5_TISC_TLS_EN) != 0;
	t->pd = pd;
	t->td = td;
	t->has_traffic = false;
	t->need_fence = false;
	if (t->tls.ctx == NULL)
		t->tls.ctx = EVP_CIPHER_CTX_new();
	obj->kind = MM_OBJ_TIS;
	obj->id = n;
	ok(out, outlen, MLX5_CREATE_TIS_OUT_LEN);
	MLX5_PRM_SET(out, MLX5_CREATE_TIS_OUT_TISN, n);
	*objp = obj;
	return 0;
}

int
mm_obj_create(struct mlx5_model *m, const void *in, size_t inlen, void *out,
		size_t outlen, struct mm_obj **objp)
{
	const uint8_t *p = in;
	uint16_t opcode;
	struct mm_obj *obj;
	unsigned int i;

	m->st.commands++;
	*objp = NULL;
	if (inlen < MLX5_CMD_HDR_LEN)
		return fail(m, out, outlen, MLX5_CMD_STAT_BAD_INP_LEN_ERR,
			MM_SYND_BAD_LEN);
	if (outlen < 16)
		return fail(m, out, outlen, MLX5_CMD_STAT_BAD_OUTP_LEN_ERR,
			MM_SYND_BAD_LEN);
	opcode = mlx5_get_be16(p + MLX5_CMD_IN_OPCODE);
	switch (opcode) {
	case MLX5_CMD_ALLOC_TRANSPORT_DOMAIN:
		for (i = 0; i < MM_MAX_TD && m->td_used[i]; i++)
			;
		if (i == MM_MAX_TD)
			return fail(m, out, outlen, MLX5_CMD_STAT_NO_RES_ERR,
				MM_SYND_NO_RESOURCE);
		obj = calloc(1, sizeof(*obj));
		if (obj == NULL)
			return -ENOMEM;
		m->td_used[i] = true;
		obj->kind = MM_OBJ_TD;
		obj->id = i + 1;
		ok(out, outlen, MLX5_ALLOC_TD_OUT_LEN);
		MLX5_PRM_SET(out, MLX5_ALLOC_TD_OUT_TD, obj->id);
		*objp = obj;
		return 0;
	case MLX5_CMD_CREATE_TIS:
		return create_tis(m, p, inlen, out, outlen, objp);
	case MLX5_CMD_CREATE_GENERAL_OBJECT:
		if (mlx5_get_be16(p + MLX5_GOBJ_OBJ_TYPE) != MLX5_OBJ_TYPE_DEK)
			return fail(m, out, outlen, MLX5_CMD_STAT_BAD_PARAM_ERR,
				MM_SYND_BAD_FIELD);
		return create_dek(m, p, inlen, out, outlen, objp);
	default:
		return fail(m, out, outlen, MLX5_CMD_STAT_BAD_OP_ERR,
			MM_SYND_BAD_OPCODE);
	}
}

int
mm_obj_modify(struct mlx5_model *m, struct mm_obj *obj, const void *in,
		size_t inlen, void *out, size_t outlen)
{
	const uint8_t *p = in;
	uint32_t id, offset;
	struct mm_dek *k, nk;

	m->st.commands++;
	if (inlen < MLX5_DEK_IN_LEN)
		return fail(m, out, outlen, MLX5_CMD_STAT_BAD_INP_LEN_ERR,
			MM_SYND_BAD_LEN);
	if (outlen < 16)
		return fail(m, out, outlen, MLX5_CMD_STAT_BAD_OUTP_LEN_ERR,
			MM_SYND_BAD_LEN);
	if (mlx5_get_be16(p + MLX5_CMD_IN_OPCODE) !=
			MLX5_CMD_MODIFY_GENERAL_OBJECT ||
	    mlx5_get_be16(p + MLX5_GOBJ_OBJ_TYPE) != MLX5_OBJ_TYPE_DEK ||
	    obj == NULL || obj->kind != MM_OBJ_DEK)
		return fail(m, out, outlen, MLX5_CMD_STAT_BAD_OP_ERR,
			MM_SYND_BAD_OPCODE);
	id = mlx5_get_be32(p + MLX5_GOBJ_OBJ_ID);
	offset = (uint32_t)MLX5_PRM_GET(p, MLX5_GOBJ_OBJ_OFFSET);
	if (id != obj->id || offset >= obj->count ||
	    mlx5_get_be64(p + MLX5_DEK_OBJ_OFF + MLX5_DEK_MODIFY_FIELD_SELECT)
			!= MLX5_DEK_MODIFY_KEY)
		return fail(m, out, outlen, MLX5_CMD_STAT_BAD_PARAM_ERR,
			MM_SYND_BAD_FIELD);
	k = &m->dek[id + offset];
	memset(&nk, 0, sizeof(nk));
	if (!read_key(m, p + MLX5_DEK_OBJ_OFF, &nk))
		return fail(m, out, outlen, MLX5_CMD_STAT_BAD_PARAM_ERR,
			MM_SYND_BAD_FIELD);
	nk.allocated = true;
	nk.keyed = true;
	/*
	 * The device caches keys it used: the new key of such an id is not
	 * seen until SYNC_CRYPTO. Using it before then is an error (a
	 * strict stand-in for the stale key the hardware would use).
	 */
	nk.stale = k->used;
	nk.used = k->used;
	nk.gen = ++m->key_seq;
	*k = nk;
	return ok(out, outlen, MLX5_GOBJ_OUT_LEN);
}

void
mm_obj_destroy(struct mlx5_model *m, struct mm_obj *obj)
{
	uint32_t i;

	if (obj == NULL)
		return;
	switch (obj->kind) {
	case MM_OBJ_TD:
		m->td_used[obj->id - 1] = false;
		break;
	case MM_OBJ_TIS:
		m->tis[obj->id].allocated = false;
		break;
	case MM_OBJ_DEK:
		for (i = 0; i < obj->count; i++) {
			struct mm_dek *k = &m->dek[obj->id + i];

			/* Destroyed keys are wiped; a cached one stays "used". */
			memset(k->key, 0, sizeof(k->key));
			k->allocated = false;
			k->keyed = false;
		}
		break;
	}
	free(obj);
}
