/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * ConnectX PRM layouts the TLS transmit offload uses: command mailboxes
 * (capabilities, transport domain, TIS, encryption keys, SYNC_CRYPTO) and
 * send-queue WQE segments (control, Ethernet, data, UMR + TLS static
 * params, SET_PSV progress params, DUMP, NOP), and the CQE. Offsets follow
 * the "ifc" convention (bit 0 is the most significant bit of the first
 * big-endian dword) and cite the fact sheet (shared/docs/mlx5-tls-tx.md);
 * every multi-byte field is big-endian. The real device and the model read
 * and write exactly these bytes.
 */

#ifndef MLX5_TLSOFF_PRM_H
#define MLX5_TLSOFF_PRM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>

/* ---- field access on big-endian ifc structures ---- */

/* Set @width bits at ifc bit offset @bit of @base to @val. */
static inline void
mlx5_prm_set(void *base, unsigned int bit, unsigned int width, uint64_t val)
{
	uint8_t *p = base;
	unsigned int i;

	for (i = 0; i < width; i++) {
		unsigned int b = bit + i;
		uint8_t mask = (uint8_t)(0x80 >> (b & 7));

		if ((val >> (width - 1 - i)) & 1)
			p[b >> 3] |= mask;
		else
			p[b >> 3] &= (uint8_t)~mask;
	}
}

static inline uint64_t
mlx5_prm_get(const void *base, unsigned int bit, unsigned int width)
{
	const uint8_t *p = base;
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < width; i++) {
		unsigned int b = bit + i;

		v = v << 1 | ((p[b >> 3] >> (7 - (b & 7))) & 1);
	}
	return v;
}

static inline void
mlx5_put_be16(void *p, uint16_t v)
{
	v = rte_cpu_to_be_16(v);
	memcpy(p, &v, 2);
}

static inline void
mlx5_put_be32(void *p, uint32_t v)
{
	v = rte_cpu_to_be_32(v);
	memcpy(p, &v, 4);
}

static inline void
mlx5_put_be64(void *p, uint64_t v)
{
	v = rte_cpu_to_be_64(v);
	memcpy(p, &v, 8);
}

static inline uint16_t
mlx5_get_be16(const void *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return rte_be_to_cpu_16(v);
}

static inline uint32_t
mlx5_get_be32(const void *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return rte_be_to_cpu_32(v);
}

static inline uint64_t
mlx5_get_be64(const void *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return rte_be_to_cpu_64(v);
}

/* ---- command mailboxes ---- */

/* Every input starts opcode(16) uid(16) reserved(16) op_mod(16). */
#define MLX5_CMD_HDR_LEN 16
#define MLX5_CMD_IN_OPCODE 0          /* bytes 0-1 */
#define MLX5_CMD_IN_UID 2             /* bytes 2-3 */
#define MLX5_CMD_IN_OP_MOD 6          /* bytes 6-7 */
/* Every output starts status(8) reserved(24) syndrome(32). */
#define MLX5_CMD_OUT_STATUS 0
#define MLX5_CMD_OUT_SYNDROME 4

enum mlx5_cmd_opcode {
	MLX5_CMD_QUERY_HCA_CAP = 0x100,
	MLX5_CMD_ALLOC_TRANSPORT_DOMAIN = 0x816,
	MLX5_CMD_DEALLOC_TRANSPORT_DOMAIN = 0x817,
	MLX5_CMD_CREATE_TIS = 0x912,
	MLX5_CMD_DESTROY_TIS = 0x914,
	MLX5_CMD_CREATE_GENERAL_OBJECT = 0xa00,
	MLX5_CMD_MODIFY_GENERAL_OBJECT = 0xa01,
	MLX5_CMD_QUERY_GENERAL_OBJECT = 0xa02,
	MLX5_CMD_DESTROY_GENERAL_OBJECT = 0xa03,
	MLX5_CMD_SYNC_CRYPTO = 0xb12,
};

/* Command status values (output byte 0). */
enum mlx5_cmd_status {
	MLX5_CMD_STAT_OK = 0x0,
	MLX5_CMD_STAT_INT_ERR = 0x1,
	MLX5_CMD_STAT_BAD_OP_ERR = 0x2,
	MLX5_CMD_STAT_BAD_PARAM_ERR = 0x3,
	MLX5_CMD_STAT_BAD_SYS_STATE_ERR = 0x4,
	MLX5_CMD_STAT_BAD_RES_ERR = 0x5,
	MLX5_CMD_STAT_RES_BUSY = 0x6,
	MLX5_CMD_STAT_LIM_ERR = 0x8,
	MLX5_CMD_STAT_BAD_RES_STATE_ERR = 0x9,
	MLX5_CMD_STAT_NO_RES_ERR = 0xf,
	MLX5_CMD_STAT_BAD_INP_LEN_ERR = 0x50,
	MLX5_CMD_STAT_BAD_OUTP_LEN_ERR = 0x51,
};

/* QUERY_HCA_CAP (fact sheet 1.1): op_mod = cap_type << 1 | current. */
#define MLX5_CAP_GENERAL 0x0
#define MLX5_CAP_TLS 0x11
#define MLX5_CAP_CRYPTO 0x1a
#define MLX5_HCA_CAP_OP_MOD(type, cur) (((type) << 1) | (cur))
#define MLX5_QUERY_HCA_CAP_IN_LEN 16
#define MLX5_HCA_CAP_LEN 4096
#define MLX5_QUERY_HCA_CAP_OUT_LEN (16 + MLX5_HCA_CAP_LEN)
#define MLX5_HCA_CAP_OUT_CAP 16       /* capability page in the output */

/* General caps page (cmd_hca_cap), ifc bit offsets. */
#define MLX5_GCAP_LOG_MAX_TIS 0x37b, 5
#define MLX5_GCAP_GENERAL_OBJ_TYPES 0x400, 64
#define MLX5_GCAP_CRYPTO 0x469, 1
#define MLX5_GCAP_TLS_TX 0x481, 1
#define MLX5_GCAP_TLS_RX 0x482, 1
#define MLX5_GCAP_LOG_MAX_DEK 0x5b3, 5
#define MLX5_GENERAL_OBJ_TYPES_DEK (1ull << 0xc)

/* TLS caps page. */
#define MLX5_TLSCAP_12_AES_GCM_128 0x0, 1
#define MLX5_TLSCAP_13_AES_GCM_128 0x1, 1
#define MLX5_TLSCAP_12_AES_GCM_256 0x2, 1
#define MLX5_TLSCAP_13_AES_GCM_256 0x3, 1

/* Crypto caps page. */
#define MLX5_CCAP_WRAPPED_CRYPTO_OPERATIONAL 0x0, 1
#define MLX5_CCAP_SYNCHRONIZE_DEK 0x3, 1
#define MLX5_CCAP_LOG_DEK_MAX_ALLOC 0x23, 5
#define MLX5_CCAP_LOG_MAX_NUM_DEKS 0x2b, 5

/* Wrap MLX5_*CAP_* "bit, width" pairs for mlx5_prm_get/set. */
#define MLX5_PRM_GET(base, field) mlx5_prm_get(base, field)
#define MLX5_PRM_SET(base, field, v) mlx5_prm_set(base, field, v)

/* ALLOC_TRANSPORT_DOMAIN: out transport_domain at bits 0x48 (24). */
#define MLX5_ALLOC_TD_IN_LEN 16
#define MLX5_ALLOC_TD_OUT_LEN 16
#define MLX5_ALLOC_TD_OUT_TD 0x48, 24
#define MLX5_DEALLOC_TD_IN_TD 0x48, 24
#define MLX5_DEALLOC_TD_IN_LEN 16
#define MLX5_DEALLOC_TD_OUT_LEN 16

/* CREATE_TIS (1.3): tisc at byte 32, 160 bytes. */
#define MLX5_TISC_OFF 32
#define MLX5_TISC_LEN 160
#define MLX5_CREATE_TIS_IN_LEN (MLX5_TISC_OFF + MLX5_TISC_LEN)
#define MLX5_CREATE_TIS_OUT_LEN 16
#define MLX5_TISC_TLS_EN 0x01, 1
#define MLX5_TISC_PRIO 0x0c, 4
#define MLX5_TISC_TRANSPORT_DOMAIN 0x128, 24
#define MLX5_TISC_PD 0x168, 24
#define MLX5_CREATE_TIS_OUT_TISN 0x48, 24
#define MLX5_DESTROY_TIS_IN_LEN 16
#define MLX5_DESTROY_TIS_OUT_LEN 16
#define MLX5_DESTROY_TIS_IN_TISN 0x48, 24

/* General objects (1.2): header opcode, uid, vhca_tunnel_id, obj_type,
 * obj_id (bytes 8-11), op_param (bytes 12-15). */
#define MLX5_GOBJ_OBJ_TYPE 6          /* bytes 6-7 */
#define MLX5_GOBJ_OBJ_ID 8            /* bytes 8-11 */
#define MLX5_GOBJ_OP_PARAM 12         /* bytes 12-15 */
/* Command bit offsets of op_param fields (op_param is bits 0x60-0x7f). */
#define MLX5_GOBJ_LOG_OBJ_RANGE 0x63, 5  /* create: op_param bits 3..7 */
#define MLX5_GOBJ_OBJ_OFFSET 0x61, 31    /* modify/query: op_param bits 1..31 */
#define MLX5_GOBJ_OUT_OBJ_ID 8        /* output bytes 8-11 */
#define MLX5_GOBJ_OUT_LEN 16
#define MLX5_OBJ_TYPE_DEK 0x000c

/* encryption_key_obj, from byte 16 of the command; 512 bytes (Linux). */
#define MLX5_DEK_OBJ_OFF 16
#define MLX5_DEK_OBJ_LEN 512
#define MLX5_DEK_IN_LEN (MLX5_DEK_OBJ_OFF + MLX5_DEK_OBJ_LEN)
#define MLX5_DEK_MODIFY_FIELD_SELECT 0   /* bytes 0-7 of the object */
#define MLX5_DEK_STATE 0x40, 8
#define MLX5_DEK_KEY_SIZE 0x54, 4        /* 0 = 128, 1 = 256 */
#define MLX5_DEK_KEY_PURPOSE 0x5c, 4     /* 1 = TLS */
#define MLX5_DEK_PD 0x68, 24
#define MLX5_DEK_KEY 64                  /* bytes 64..95; AES-128 at 80 */
#define MLX5_DEK_KEY_SIZE_128 0
#define MLX5_DEK_KEY_SIZE_256 1
#define MLX5_DEK_PURPOSE_TLS 1
#define MLX5_DEK_MODIFY_KEY 1ull         /* modify_field_select: the key */

/* SYNC_CRYPTO: crypto_type at bytes 14-15; BIT(purpose), BIT(0) = all. */
#define MLX5_SYNC_CRYPTO_IN_LEN 16
#define MLX5_SYNC_CRYPTO_OUT_LEN 16
#define MLX5_SYNC_CRYPTO_TYPE 14

/* ---- send queue ---- */

#define MLX5_WQEBB 64u                   /* WQE basic block */
#define MLX5_DS 16u                      /* data segment unit */
#define MLX5_WQE_MAX_BBS 16u

enum mlx5_wqe_opcode {
	MLX5_OPC_NOP = 0x00,
	MLX5_OPC_SEND = 0x0a,
	MLX5_OPC_LSO = 0x0e,
	MLX5_OPC_SET_PSV = 0x20,
	MLX5_OPC_DUMP = 0x23,
	MLX5_OPC_UMR = 0x25,
};

#define MLX5_OPMOD_TLS_TIS_STATIC_PARAMS 0x1
#define MLX5_OPMOD_TLS_TIS_PROGRESS_PARAMS 0x1

/* Control segment (2.1). */
struct mlx5_wqe_ctrl {
	uint32_t opmod_idx_opcode;   /* opmod << 24 | wqe_index << 8 | opcode */
	uint32_t qpn_ds;             /* sqn << 8 | ds_count */
	uint8_t signature;
	uint8_t rsvd[2];
	uint8_t fm_ce_se;
	uint32_t tis_tir_num;        /* tisn << 8 */
};

#define MLX5_FENCE_INITIATOR_SMALL 0x20
#define MLX5_WQE_CTRL_CQ_UPDATE 0x08
#define MLX5_DS_MASK 0x3f

/* Ethernet segment (2.2) with the start of the inline headers. */
struct mlx5_wqe_eth {
	uint32_t swp_offs;
	uint8_t cs_flags;
	uint8_t swp_flags;
	uint16_t mss;
	uint32_t flow_table_metadata;
	uint16_t inline_hdr_sz;
	uint8_t inline_hdr_start[2];
};

#define MLX5_ETH_L4_CSUM 0x80
#define MLX5_ETH_L3_CSUM 0x40
/* Inline header bytes after the two in the Ethernet segment. */
#define MLX5_ETH_INLINE_START 2u

/* Data segment (2.3). */
struct mlx5_wqe_data {
	uint32_t byte_count;
	uint32_t lkey;
	uint64_t addr;
};

/* UMR control segment (2.4), 48 bytes. */
struct mlx5_wqe_umr_ctrl {
	uint8_t flags;
	uint8_t rsvd0[3];
	uint16_t xlt_octowords;
	uint16_t bsf_octowords;
	uint64_t mkey_mask;
	uint8_t rsvd1[32];
};

#define MLX5_UMR_INLINE 0x80

/* TLS static params (2.4), 64 bytes at WQE byte 128. */
struct mlx5_tls_static_params {
	uint8_t ctx0[4];             /* const_2 | tls_version | const_1 | enc std */
	uint8_t rsvd0[4];
	uint8_t initial_record_number[8];
	uint8_t resync_tcp_sn[4];
	uint8_t gcm_iv[4];
	uint8_t implicit_iv[8];
	uint8_t rsvd1;
	uint8_t dek_index[3];
	uint8_t rsvd2[28];
};

#define MLX5_TLS_VERSION_12 2
#define MLX5_TLS_VERSION_13 3
#define MLX5_ENC_STANDARD_TLS 1

/* Progress params (2.5), 16 bytes after the control segment. */
struct mlx5_tls_progress_params {
	uint32_t tis_tir_num;        /* tisn, not shifted */
	uint32_t next_record_tcp_sn;
	uint32_t hw_resync_tcp_sn;
	uint8_t state;               /* tracker << 6 | auth << 4 */
	uint8_t hw_offset_record_number[3];
};

/* Sizes, in WQEBBs and DS units, of the WQEs the driver posts. */
#define MLX5_STATIC_PARAMS_DS 12u
#define MLX5_STATIC_PARAMS_BBS 3u
#define MLX5_PROGRESS_PARAMS_DS 2u
#define MLX5_DUMP_DS 2u
#define MLX5_NOP_DS 1u

_Static_assert(sizeof(struct mlx5_wqe_ctrl) == 16, "ctrl");
_Static_assert(sizeof(struct mlx5_wqe_eth) == 16, "eth");
_Static_assert(sizeof(struct mlx5_wqe_data) == 16, "data");
_Static_assert(sizeof(struct mlx5_wqe_umr_ctrl) == 48, "umr");
_Static_assert(sizeof(struct mlx5_tls_static_params) == 64, "static");
_Static_assert(offsetof(struct mlx5_tls_static_params, initial_record_number)
	== 8, "rec");
_Static_assert(offsetof(struct mlx5_tls_static_params, gcm_iv) == 20, "iv");
_Static_assert(offsetof(struct mlx5_tls_static_params, dek_index) == 33, "dek");
_Static_assert(sizeof(struct mlx5_tls_progress_params) == 16, "progress");
_Static_assert(offsetof(struct mlx5_wqe_eth, inline_hdr_sz) == 12, "ihs");
_Static_assert(offsetof(struct mlx5_wqe_umr_ctrl, bsf_octowords) == 6, "bsf");

/* ---- completion queue (rdma-core mlx5dv.h layouts) ---- */

#define MLX5_CQE_SIZE 64u
#define MLX5_CQE_OP_OWN 63            /* opcode << 4 | owner */
#define MLX5_CQE_WQE_COUNTER 60       /* be16 */
#define MLX5_CQE_SOP_QPN 56           /* opcode(8) | qpn(24) */
#define MLX5_CQE_SYNDROME 55          /* error CQE */
#define MLX5_CQE_VENDOR_SYNDROME 54   /* error CQE */
#define MLX5_CQE_OWNER_MASK 0x1

#ifndef _MLX5DV_H_   /* rdma-core's mlx5dv.h has the same values */
enum mlx5_cqe_opcode {
	MLX5_CQE_REQ = 0x0,
	MLX5_CQE_REQ_ERR = 0xd,
	MLX5_CQE_INVALID = 0xf,
};
#endif

enum mlx5_cqe_syndrome {
	MLX5_CQE_SYND_LOCAL_LENGTH_ERR = 0x01,
	MLX5_CQE_SYND_LOCAL_QP_OP_ERR = 0x02,
	MLX5_CQE_SYND_LOCAL_PROT_ERR = 0x04,
	MLX5_CQE_SYND_WR_FLUSH_ERR = 0x05,
	MLX5_CQE_SYND_LOCAL_ACCESS_ERR = 0x11,
};

#endif /* MLX5_TLSOFF_PRM_H */
