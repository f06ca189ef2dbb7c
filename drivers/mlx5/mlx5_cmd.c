/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * Device commands the TLS offload needs, built as PRM mailboxes (fact sheet
 * section 1) and sent through the backend; and the registry of memory the
 * device may read (lkeys for WQE data segments).
 */

#include <errno.h>
#include <string.h>

#include <rte_log.h>

#include "mlx5_dev.h"
#include "mlx5_prm.h"
#include "mlx5_log.h"

static int
check(struct mlx5_dev *d, int rc, const uint8_t *out, const char *what)
{
	uint8_t status;

	d->fw_commands++;
	if (rc != 0) {
		MLX5_LOG(ERR, "%s: %s", what, strerror(-rc));
		return rc;
	}
	status = out[MLX5_CMD_OUT_STATUS];
	if (status != MLX5_CMD_STAT_OK) {
		MLX5_LOG(ERR, "%s: status 0x%x syndrome 0x%08x", what, status,
			mlx5_get_be32(out + MLX5_CMD_OUT_SYNDROME));
		return status == MLX5_CMD_STAT_NO_RES_ERR ||
			status == MLX5_CMD_STAT_LIM_ERR ? -ENOSPC : -EIO;
	}
	return 0;
}

static void
hdr(uint8_t *in, uint16_t opcode, uint16_t op_mod)
{
	mlx5_put_be16(in + MLX5_CMD_IN_OPCODE, opcode);
	mlx5_put_be16(in + MLX5_CMD_IN_OP_MOD, op_mod);
}

static int
query_page(struct mlx5_dev *d, unsigned int type, uint8_t *out)
{
	uint8_t in[MLX5_QUERY_HCA_CAP_IN_LEN];

	memset(in, 0, sizeof(in));
	hdr(in, MLX5_CMD_QUERY_HCA_CAP, MLX5_HCA_CAP_OP_MOD(type, 1));
	return check(d, d->ops->cmd(d, in, sizeof(in), out,
		MLX5_QUERY_HCA_CAP_OUT_LEN), out, "QUERY_HCA_CAP");
}

int
mlx5_query_caps(struct mlx5_dev *d)
{
	static uint8_t out[MLX5_QUERY_HCA_CAP_OUT_LEN];
	const uint8_t *cap = out + MLX5_HCA_CAP_OUT_CAP;
	struct mlx5_caps *c = &d->caps;
	int rc;

	memset(c, 0, sizeof(*c));
	rc = query_page(d, MLX5_CAP_GENERAL, out);
	if (rc != 0)
		return rc;
	c->tls_tx = MLX5_PRM_GET(cap, MLX5_GCAP_TLS_TX) != 0;
	c->crypto = MLX5_PRM_GET(cap, MLX5_GCAP_CRYPTO) != 0;
	c->dek_obj = (MLX5_PRM_GET(cap, MLX5_GCAP_GENERAL_OBJ_TYPES) &
		MLX5_GENERAL_OBJ_TYPES_DEK) != 0;
	c->log_max_dek = (uint8_t)MLX5_PRM_GET(cap, MLX5_GCAP_LOG_MAX_DEK);
	c->log_max_tis = (uint8_t)MLX5_PRM_GET(cap, MLX5_GCAP_LOG_MAX_TIS);
	if (!c->tls_tx)
		return 0;
	rc = query_page(d, MLX5_CAP_TLS, out);
	if (rc != 0)
		return rc;
	c->tls12_128 = MLX5_PRM_GET(cap, MLX5_TLSCAP_12_AES_GCM_128) != 0;
	c->tls13_128 = MLX5_PRM_GET(cap, MLX5_TLSCAP_13_AES_GCM_128) != 0;
	c->tls12_256 = MLX5_PRM_GET(cap, MLX5_TLSCAP_12_AES_GCM_256) != 0;
	c->tls13_256 = MLX5_PRM_GET(cap, MLX5_TLSCAP_13_AES_GCM_256) != 0;
	if (c->crypto) {
		rc = query_page(d, MLX5_CAP_CRYPTO, out);
		if (rc != 0)
			return rc;
		c->sync_dek = MLX5_PRM_GET(cap, MLX5_CCAP_SYNCHRONIZE_DEK) != 0;
		c->wrapped_crypto =
			MLX5_PRM_GET(cap, MLX5_CCAP_WRAPPED_CRYPTO_OPERATIONAL) != 0;
		c->log_dek_max_alloc =
			(uint8_t)MLX5_PRM_GET(cap, MLX5_CCAP_LOG_DEK_MAX_ALLOC);
	}
	return 0;
}

int
mlx5_alloc_td(struct mlx5_dev *d)
{
	uint8_t in[MLX5_ALLOC_TD_IN_LEN], out[MLX5_ALLOC_TD_OUT_LEN];
	int rc;

	memset(in, 0, sizeof(in));
	memset(out, 0, sizeof(out));
	hdr(in, MLX5_CMD_ALLOC_TRANSPORT_DOMAIN, 0);
	rc = check(d, d->ops->obj_create(d, in, sizeof(in), out, sizeof(out),
		&d->td_obj), out, "ALLOC_TRANSPORT_DOMAIN");
	if (rc == 0)
		d->tdn = (uint32_t)MLX5_PRM_GET(out, MLX5_ALLOC_TD_OUT_TD);
	return rc;
}

/* CREATE_TIS with tls_en (fact sheet 1.3). */
int
mlx5_create_tis(struct mlx5_dev *d, uint32_t *tisn, void **obj)
{
	uint8_t in[MLX5_CREATE_TIS_IN_LEN], out[MLX5_CREATE_TIS_OUT_LEN];
	uint8_t *tisc = in + MLX5_TISC_OFF;
	int rc;

	memset(in, 0, sizeof(in));
	memset(out, 0, sizeof(out));
	hdr(in, MLX5_CMD_CREATE_TIS, 0);
	MLX5_PRM_SET(tisc, MLX5_TISC_TLS_EN, 1);
	MLX5_PRM_SET(tisc, MLX5_TISC_TRANSPORT_DOMAIN, d->tdn);
	MLX5_PRM_SET(tisc, MLX5_TISC_PD, d->pdn);
	rc = check(d, d->ops->obj_create(d, in, sizeof(in), out, sizeof(out),
		obj), out, "CREATE_TIS");
	if (rc == 0)
		*tisn = (uint32_t)MLX5_PRM_GET(out, MLX5_CREATE_TIS_OUT_TISN);
	return rc;
}

/* A bulk of 2^log_range keyless DEKs: ids base .. base + 2^n - 1. */
int
mlx5_create_deks(struct mlx5_dev *d, unsigned int log_range, uint32_t *base,
		void **obj)
{
	uint8_t in[MLX5_DEK_IN_LEN], out[MLX5_GOBJ_OUT_LEN];
	int rc;

	memset(in, 0, sizeof(in));
	memset(out, 0, sizeof(out));
	hdr(in, MLX5_CMD_CREATE_GENERAL_OBJECT, 0);
	mlx5_put_be16(in + MLX5_GOBJ_OBJ_TYPE, MLX5_OBJ_TYPE_DEK);
	MLX5_PRM_SET(in, MLX5_GOBJ_LOG_OBJ_RANGE, log_range);
	MLX5_PRM_SET(in + MLX5_DEK_OBJ_OFF, MLX5_DEK_KEY_PURPOSE,
		MLX5_DEK_PURPOSE_TLS);
	MLX5_PRM_SET(in + MLX5_DEK_OBJ_OFF, MLX5_DEK_PD, d->pdn);
	rc = check(d, d->ops->obj_create(d, in, sizeof(in), out, sizeof(out),
		obj), out, "CREATE_GENERAL_OBJECT(DEK)");
	if (rc == 0)
		*base = mlx5_get_be32(out + MLX5_GOBJ_OUT_OBJ_ID);
	return rc;
}

/* Load a key into DEK base + offset (fast reuse, fact sheet 1.2). */
int
mlx5_modify_dek(struct mlx5_dev *d, void *obj, uint32_t base, uint32_t offset,
		const uint8_t *key, unsigned int key_len)
{
	uint8_t in[MLX5_DEK_IN_LEN], out[MLX5_GOBJ_OUT_LEN];
	uint8_t *o = in + MLX5_DEK_OBJ_OFF;
	int rc;

	memset(in, 0, sizeof(in));
	memset(out, 0, sizeof(out));
	hdr(in, MLX5_CMD_MODIFY_GENERAL_OBJECT, 0);
	mlx5_put_be16(in + MLX5_GOBJ_OBJ_TYPE, MLX5_OBJ_TYPE_DEK);
	mlx5_put_be32(in + MLX5_GOBJ_OBJ_ID, base);
	MLX5_PRM_SET(in, MLX5_GOBJ_OBJ_OFFSET, offset);
	mlx5_put_be64(o + MLX5_DEK_MODIFY_FIELD_SELECT, MLX5_DEK_MODIFY_KEY);
	MLX5_PRM_SET(o, MLX5_DEK_KEY_SIZE, key_len == 32 ?
		MLX5_DEK_KEY_SIZE_256 : MLX5_DEK_KEY_SIZE_128);
	MLX5_PRM_SET(o, MLX5_DEK_KEY_PURPOSE, MLX5_DEK_PURPOSE_TLS);
	MLX5_PRM_SET(o, MLX5_DEK_PD, d->pdn);
	/* AES-128 keys go in the second 16 bytes of the key field. */
	memcpy(o + MLX5_DEK_KEY + (key_len == 16 ? 16 : 0), key, key_len);
	rc = check(d, d->ops->obj_modify(d, obj, in, sizeof(in), out,
		sizeof(out)), out, "MODIFY_GENERAL_OBJECT(DEK)");
	/* The mailbox held the key: do not leave it on the stack. */
	explicit_bzero(in, sizeof(in));
	return rc;
}

/* Let freed DEK ids take new keys (the device caches keys it used). */
int
mlx5_sync_crypto(struct mlx5_dev *d)
{
	uint8_t in[MLX5_SYNC_CRYPTO_IN_LEN], out[MLX5_SYNC_CRYPTO_OUT_LEN];

	memset(in, 0, sizeof(in));
	memset(out, 0, sizeof(out));
	hdr(in, MLX5_CMD_SYNC_CRYPTO, 0);
	mlx5_put_be16(in + MLX5_SYNC_CRYPTO_TYPE, 1u << MLX5_DEK_PURPOSE_TLS);
	return check(d, d->ops->cmd(d, in, sizeof(in), out, sizeof(out)), out,
		"SYNC_CRYPTO");
}

int
mlx5_destroy_obj(struct mlx5_dev *d, void *obj)
{
	if (obj == NULL)
		return 0;
	d->fw_commands++;
	return d->ops->obj_destroy(d, obj);
}

int
mlx5_mr_register(struct mlx5_dev *d, void *addr, size_t len)
{
	uintptr_t a = (uintptr_t)addr;
	struct mlx5_mr *r;
	unsigned int i;
	int rc;

	for (i = 0; i < d->nb_mr; i++)
		if (a >= d->mr[i].start && a + len <= d->mr[i].end)
			return 0;
	if (d->nb_mr == MLX5_MAX_MRS)
		return -ENOSPC;
	r = &d->mr[d->nb_mr];
	rc = d->ops->mr_reg(d, addr, len, &r->lkey, &r->handle);
	if (rc != 0)
		return rc;
	r->start = a;
	r->end = a + len;
	d->nb_mr++;
	return 0;
}

uint32_t
mlx5_mr_lookup(const struct mlx5_dev *d, const void *addr, uint32_t len)
{
	uintptr_t a = (uintptr_t)addr;
	unsigned int i;

	for (i = 0; i < d->nb_mr; i++)
		if (a >= d->mr[i].start && a + len <= d->mr[i].end)
			return d->mr[i].lkey;
	return UINT32_MAX;
}

void
mlx5_mr_release_all(struct mlx5_dev *d)
{
	unsigned int i;

	for (i = 0; i < d->nb_mr; i++)
		d->ops->mr_dereg(d, d->mr[i].handle);
	d->nb_mr = 0;
}
