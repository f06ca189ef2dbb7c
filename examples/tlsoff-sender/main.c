/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/*
 * tlsoff-sender: an HTTP/1.1 file server on librte_tlsoff, one stack on
 * port 0 polled by the main lcore. This file is the life cycle: options,
 * EAL, port, stack, the poll loop, and an orderly exit that leaves the
 * counters in --stats-json. HTTPS by default, plain HTTP with --plain.
 *
 *   tlsoff-sender [EAL options] -- --ip A.B.C.D/N [options]
 *
 * Files: opts.c (command line), tls.c (SSL_CTX), cert.c (the ephemeral
 * certificate), port.c (ethdev), server.c (listener, pool, timeouts),
 * conn.c (one connection), io_plain.c and io_tls.c (its bytes, as they
 * are or in TLS records), respond.c (routing), http.c (messages),
 * docroot.c (paths below --root), body.c (body sources), stats.c
 * (counters out).
 */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_tlsoff.h>

#include "opts.h"
#include "pcap.h"
#include "port.h"
#include "server.h"
#include "stats.h"
#include "tls.h"

#define SENDER_PORT_ID 0
/* How often timeouts are checked. */
#define TICK_HZ 10

struct sender_app {
	struct sender_opts opts;
	struct sender_tls *tls;  /* NULL with --plain */
	struct sender_port port;
	struct rte_tlsoff_stack *stack;
	struct sender_server *srv;
	struct stats_lib lib;
	struct stats_ticker ticker;
	struct sender_pcap *pcap; /* --pcap */
	uint64_t start;          /* TSC */
};

static volatile sig_atomic_t quit_signal;

static void
on_signal(int sig)
{
	quit_signal = sig;
}

static void
install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static void
app_usage_hook(const char *prog)
{
	printf("\n");
	sender_opts_usage(prog);
}

/*
 * Index of "--" in argv (or argc if absent). The application options are
 * parsed before the EAL starts, so a bad one is refused without touching
 * hugepages or devices.
 */
static int
find_separator(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0)
			return i;
	return argc;
}

static double
app_uptime(const struct sender_app *app, uint64_t now)
{
	return (double)(now - app->start) / (double)rte_get_tsc_hz();
}

static int
app_stack_create(struct sender_app *app)
{
	const struct sender_opts *o = &app->opts;
	struct rte_tlsoff_stack_conf conf;
	char name[16];

	rte_tlsoff_stack_conf_init(&conf);
	conf.port_id = app->port.port_id;
	conf.socket_id = app->port.socket_id;
	conf.ip = o->ip;
	conf.prefix_len = o->prefix_len;
	conf.gateway = o->gateway;
	conf.tx_offloads = app->port.tx_offloads;
	conf.rx_offloads = app->port.rx_offloads;
	conf.max_conns = o->max_conns;
	if (o->sndbuf != 0)
		conf.sndbuf = o->sndbuf;
	conf.cc = o->cc;
	conf.flags |= o->stack_flags;
	conf.drop_rate = o->drop_rate;
	conf.drop_seed = o->drop_seed;
	conf.crypto = o->crypto;
	if (o->offload != SENDER_OFFLOAD_SW) {
		/* mlx5 and auto: a ConnectX if there is one, else the model. */
		conf.offload.type = RTE_TLSOFF_OFFLOAD_AUTO;
		if (o->test_no_resync)
			conf.offload.flags |= RTE_TLSOFF_OFFLOAD_F_TEST_NO_RESYNC;
		if (o->pcap_file != NULL) {
			app->pcap = sender_pcap_open(o->pcap_file);
			if (app->pcap == NULL) {
				fprintf(stderr, "tlsoff-sender: --pcap %s: %s\n",
					o->pcap_file, strerror(errno));
				return -1;
			}
			conf.offload.tap = sender_pcap_tap;
			conf.offload.tap_arg = app->pcap;
		}
	}
	snprintf(name, sizeof(name), "sender%u", app->port.port_id);
	app->stack = rte_tlsoff_stack_create(name, &conf);
	if (app->stack == NULL) {
		fprintf(stderr, "tlsoff-sender: stack: %s (the log above says "
			"which setting%s)\n", rte_strerror(rte_errno),
			o->crypto != RTE_TLSOFF_CRYPTO_AUTO ?
				"; --crypto names an engine this CPU may lack" : "");
		return -1;
	}
	if (app->pcap != NULL &&
	    strcmp(rte_tlsoff_offload_name(app->stack), "mlx5-model") != 0) {
		fprintf(stderr, "tlsoff-sender: --pcap: a ConnectX's frames do "
			"not pass through the host; capture on the link peer\n");
		return -1;
	}
	if (o->test_no_resync)
		fprintf(stderr, "tlsoff-sender: WARNING: --test-no-resync: "
			"retransmitted records will be corrupt (tests only)\n");
	if (rte_tlsoff_telemetry_register(app->stack) != 0)
		fprintf(stderr, "tlsoff-sender: telemetry registration failed; "
			"going on without it\n");
	return 0;
}

static void
app_banner(const struct sender_app *app)
{
	const struct sender_opts *o = &app->opts;
	char mac[RTE_ETHER_ADDR_FMT_SIZE];
	char tls[256];

	rte_ether_format_addr(mac, sizeof(mac), &app->port.mac);
	printf("tlsoff-sender: %u.%u.%u.%u/%u port %u mac %s mode %s, "
		"serving %s\n", o->ip >> 24, (o->ip >> 16) & 0xff,
		(o->ip >> 8) & 0xff, o->ip & 0xff, o->prefix_len,
		o->listen_port, mac, o->plain ? "plain" : "tls",
		o->has_root ? o->root : "/bytes/N");
	if (app->tls != NULL) {
		sender_tls_describe(app->tls, o, tls, sizeof(tls));
		printf("tlsoff-sender: %s\n", tls);
		printf("tlsoff-sender: records encrypted by %s (--offload %s), "
			"software crypto %s (--crypto %s), %u bytes per record\n",
			rte_tlsoff_offload_name(app->stack),
			sender_offload_name(o->offload),
			rte_tlsoff_crypto_engine(app->stack),
			sender_crypto_name(o->crypto),
			o->record_size ? o->record_size :
				RTE_TLSOFF_TLS_MAX_RECORD);
	}
	printf("tlsoff-sender: ready\n");
	fflush(stdout);
}

static bool
app_should_stop(const struct sender_app *app)
{
	if (quit_signal != 0) {
		printf("tlsoff-sender: %s, stopping\n", strsignal(quit_signal));
		return true;
	}
	if (app->opts.exit_after != 0 &&
	    app->srv->stats.conns_closed >= app->opts.exit_after) {
		printf("tlsoff-sender: %llu connections closed, stopping\n",
			(unsigned long long)app->srv->stats.conns_closed);
		return true;
	}
	return false;
}

static void
app_loop(struct sender_app *app)
{
	uint64_t tick = rte_get_tsc_hz() / TICK_HZ;
	uint64_t next_tick = 0, now;

	for (;;) {
		now = rte_rdtsc();
		app->srv->now = now;
		rte_tlsoff_stack_poll(app->stack);
		if (app_should_stop(app))
			break;
		if (now >= next_tick) {
			server_tick(app->srv, now);
			next_tick = now + tick;
		}
		if (stats_ticker_due(&app->ticker, now)) {
			stats_lib_read(&app->lib, app->stack);
			stats_ticker_print(&app->ticker, now,
				app_uptime(app, now), &app->lib,
				&app->srv->stats, app->port.port_id);
		}
	}
	fflush(stdout);
}

static int
app_start(struct sender_app *app)
{
	app->start = rte_rdtsc();
	if (sender_port_init(&app->port, SENDER_PORT_ID) != 0)
		return -1;
	if (app_stack_create(app) != 0)
		return -1;
	if (stats_lib_init(&app->lib, app->stack) != 0)
		return -1;
	app->srv = server_create(app->stack, &app->opts, app->tls);
	if (app->srv == NULL)
		return -1;
	stats_ticker_init(&app->ticker, app->opts.stats_period_s, rte_rdtsc());
	app_banner(app);
	return 0;
}

/* Counters are read before what holds them goes away; written after. */
static int
app_stop(struct sender_app *app)
{
	struct stats_snapshot snap;
	int rc = 0;

	memset(&snap, 0, sizeof(snap));
	if (app->srv != NULL)
		server_stop(app->srv);
	if (app->stack != NULL) {
		stats_lib_read(&app->lib, app->stack);
		snap.crypto_engine = rte_tlsoff_crypto_engine(app->stack);
		/* "sw", "mlx5" or "mlx5-model": the device, not the option. */
		if (!app->opts.plain)
			snap.offload = rte_tlsoff_offload_name(app->stack);
		rte_tlsoff_stack_free(app->stack);
	}
	if (app->pcap != NULL) {
		if (sender_pcap_close(app->pcap) != 0) {
			fprintf(stderr, "tlsoff-sender: --pcap %s: %s\n",
				app->opts.pcap_file, strerror(errno));
			rc = 1;
		}
		app->pcap = NULL;
	}
	snap.mode = app->opts.plain ? "plain" : "tls";
	snap.uptime_s = app_uptime(app, rte_rdtsc());
	snap.lib = &app->lib;
	if (app->srv != NULL) {
		snap.app = app->srv->stats;
		snap.tls_version = app->srv->tls_version;
		snap.tls_cipher = app->srv->tls_cipher;
	}
	snap.has_port = app->port.started &&
		rte_eth_stats_get(app->port.port_id, &snap.port) == 0;
	if (app->opts.stats_json != NULL && app->stack != NULL)
		rc = stats_write_json(app->opts.stats_json, &snap);
	server_free(app->srv);
	sender_port_fini(&app->port);
	stats_lib_fini(&app->lib);
	/* After every SSL went with its connection (server_stop). */
	sender_tls_free(app->tls);
	app->tls = NULL;
	return rc;
}

int
main(int argc, char **argv)
{
	static struct sender_app app;
	int sep = find_separator(argc, argv);
	int rc = 0;

	if (sep == argc && argc == 2 &&
	    (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		sender_opts_usage(argv[0]);
		return 0;
	}
	if (sep == argc) {
		fprintf(stderr, "tlsoff-sender: the application options go after "
			"\"--\" (see: %s -- --help)\n", argv[0]);
		return SENDER_EXIT_USAGE;
	}
	/* The EAL gets argv[0..sep), the options argv[sep..) named as the program. */
	argv[sep] = argv[0];
	switch (sender_opts_parse(argc - sep, &argv[sep], &app.opts)) {
	case SENDER_OPTS_HELP:
		return 0;
	case SENDER_OPTS_ERROR:
		return SENDER_EXIT_USAGE;
	case SENDER_OPTS_RUN:
		break;
	}
	/* Certificate and key problems are refused before the EAL too. */
	if (!app.opts.plain) {
		app.tls = sender_tls_create(&app.opts);
		if (app.tls == NULL)
			return SENDER_EXIT_USAGE;
	}
	rte_set_application_usage_hook(app_usage_hook);
	if (rte_eal_init(sep, argv) < 0) {
		fprintf(stderr, "tlsoff-sender: EAL: %s\n",
			rte_strerror(rte_errno));
		sender_tls_free(app.tls);
		return 1;
	}
	install_signals();
	if (app_start(&app) == 0)
		app_loop(&app);
	else
		rc = 1;
	if (app_stop(&app) != 0)
		rc = 1;
	rte_eal_cleanup();
	return rc;
}
