/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * A ConnectX device as the driver sees it, and the backend interface under
 * it: the rdma-core DevX backend (a real NIC) or the NIC model. Both take
 * the same command mailboxes and the same send-queue memory; everything
 * above this interface is the same code for both.
 */

#ifndef MLX5_TLSOFF_DEV_H
#define MLX5_TLSOFF_DEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mlx5_dev;

/* Send queue and its completion queue, as a backend hands them out. */
struct mlx5_txq_hw {
	uint8_t *wq;                 /* wqe_cnt WQEBBs */
	uint32_t wqe_cnt;            /* power of two */
	volatile uint32_t *sq_dbrec; /* producer counter, big-endian */
	uint8_t *cq;                 /* cqe_cnt CQEs of 64 bytes */
	uint32_t cqe_cnt;            /* power of two */
	volatile uint32_t *cq_dbrec; /* consumer counter, big-endian */
	uint32_t sqn;
	void *priv;                  /* backend's */
};

struct mlx5_backend_ops {
	const char *name;
	void (*close)(struct mlx5_dev *d);
	/*
	 * Commands: 0 when the device executed it (the status is in @out),
	 * a negative errno when it could not be delivered.
	 */
	int (*cmd)(struct mlx5_dev *d, const void *in, size_t inlen, void *out,
		size_t outlen);
	int (*obj_create)(struct mlx5_dev *d, const void *in, size_t inlen,
		void *out, size_t outlen, void **obj);
	int (*obj_modify)(struct mlx5_dev *d, void *obj, const void *in,
		size_t inlen, void *out, size_t outlen);
	int (*obj_destroy)(struct mlx5_dev *d, void *obj);
	int (*pd_alloc)(struct mlx5_dev *d, uint32_t *pdn);
	/* Memory the device may read: returns the lkey for WQE data segments. */
	int (*mr_reg)(struct mlx5_dev *d, void *addr, size_t len,
		uint32_t *lkey, void **mr);
	void (*mr_dereg)(struct mlx5_dev *d, void *mr);
	int (*txq_create)(struct mlx5_dev *d, struct mlx5_txq_hw *hw,
		unsigned int log_wqe_cnt);
	void (*txq_destroy)(struct mlx5_dev *d, struct mlx5_txq_hw *hw);
	/* Back to ready after an error completion (WQEs in flight are lost). */
	int (*txq_reset)(struct mlx5_dev *d, struct mlx5_txq_hw *hw);
	/* After the producer counter is written: @ctrl is the last WQE's. */
	void (*doorbell)(struct mlx5_dev *d, struct mlx5_txq_hw *hw,
		const void *ctrl);
};

/* What QUERY_HCA_CAP told us. */
struct mlx5_caps {
	bool tls_tx;
	bool dek_obj;                /* general object type ENCRYPTION_KEY */
	bool crypto;                 /* a crypto caps page exists */
	bool tls12_128, tls12_256, tls13_128, tls13_256;
	bool sync_dek;               /* SYNC_CRYPTO, so DEKs can be reused */
	bool wrapped_crypto;         /* plaintext keys not accepted */
	uint8_t log_max_dek;
	uint8_t log_max_tis;
	uint8_t log_dek_max_alloc;
};

/* A registered memory region. */
struct mlx5_mr {
	uintptr_t start, end;        /* [start, end) */
	uint32_t lkey;
	void *handle;
};

#define MLX5_MAX_MRS 64

struct mlx5_dev {
	const struct mlx5_backend_ops *ops;
	void *priv;                  /* backend's */
	const char *kind;            /* "mlx5" or "mlx5-model" */
	struct mlx5_caps caps;
	uint32_t pdn;
	uint32_t tdn;
	void *td_obj;
	struct mlx5_mr mr[MLX5_MAX_MRS];
	unsigned int nb_mr;
	uint64_t fw_commands;        /* commands issued, all kinds */
};

/* Commands (mlx5_cmd.c). Each returns 0 or a negative errno and logs. */
int mlx5_query_caps(struct mlx5_dev *d);
int mlx5_alloc_td(struct mlx5_dev *d);
int mlx5_create_tis(struct mlx5_dev *d, uint32_t *tisn, void **obj);
int mlx5_create_deks(struct mlx5_dev *d, unsigned int log_range,
		uint32_t *base, void **obj);
int mlx5_modify_dek(struct mlx5_dev *d, void *obj, uint32_t base,
		uint32_t offset, const uint8_t *key, unsigned int key_len);
int mlx5_sync_crypto(struct mlx5_dev *d);
int mlx5_destroy_obj(struct mlx5_dev *d, void *obj);

/* Memory registry (mlx5_cmd.c). */
int mlx5_mr_register(struct mlx5_dev *d, void *addr, size_t len);
/* lkey for [addr, addr + len), or UINT32_MAX when not registered. */
uint32_t mlx5_mr_lookup(const struct mlx5_dev *d, const void *addr,
		uint32_t len);
void mlx5_mr_release_all(struct mlx5_dev *d);

#endif /* MLX5_TLSOFF_DEV_H */
