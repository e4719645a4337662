/*
 * conf.c - one parser for both config sources (SPEC §3), driven by the key table in
 * conf_keys.c. Pure logic: it never exits, never allocates outside its arena, and reports
 * each bad key or value in one line naming the source and line/position.
 *
 * Precedence: the command line is parsed first and the file second; a value from the file
 * never replaces one from the command line (for repeatable keys: the command line's list
 * replaces the file's). Within one source, the last value of a key wins, as in the kernel.
 */
#include <stdarg.h>
#include <string.h>

#include "conf.h"
#include "fmt.h"
#include "log.h"
#include "policy.h"
#include "value.h"

const char *check_tenant_name(const char *sub, const char *s);

struct ctx {
	struct conf *c;
	uint8_t src;
	const char *where; /* "cmdline:17" or "/etc/innit.conf:12" */
};

static void report(struct conf *c, int level, const char *where, const char *key, const char *f,
		   ...) __attribute__((format(printf, 5, 6)));

static void report(struct conf *c, int level, const char *where, const char *key, const char *f,
		   ...)
{
	char msg[192];
	va_list ap;

	va_start(ap, f);
	fmt_v(msg, sizeof msg, f, ap);
	va_end(ap);
	if (where)
		fmt(c->lasterr, sizeof c->lasterr, "%s: %s: %s", where, key, msg);
	else
		fmt(c->lasterr, sizeof c->lasterr, "%s: %s", key, msg);
	if (level == LOG_ERR)
		c->nerrors++;
	else
		c->nwarnings++;
	log_msg(level, "%s", c->lasterr);
}

/* Copies n bytes into the arena as a string; NULL when the arena is full. */
static char *arena_dup(struct conf *c, const char *s, size_t n)
{
	if (n + 1 > CONF_ARENA - c->used)
		return 0;
	char *p = c->arena + c->used;
	memcpy(p, s, n);
	p[n] = '\0';
	c->used += n + 1;
	return p;
}

/* Reserves aligned arena space for pointer arrays and list items. */
static void *arena_alloc(struct conf *c, size_t n)
{
	size_t at = (c->used + 7) & ~(size_t)7;
	if (at > CONF_ARENA || n > CONF_ARENA - at)
		return 0;
	c->used = at + n;
	return c->arena + at;
}

static char **split_into_arena(struct conf *c, const char *val, const char **why)
{
	char words[CONF_LINE_MAX];
	char *argv[MAX_ARGS + 1];
	int argc = split_words(val, words, sizeof words, argv, MAX_ARGS, why);
	if (argc < 0)
		return 0;
	char **out = arena_alloc(c, sizeof(char *) * (size_t)(argc + 1));
	if (!out) {
		*why = "out of config memory";
		return 0;
	}
	for (int i = 0; i < argc; i++) {
		out[i] = arena_dup(c, argv[i], strlen(argv[i]));
		if (!out[i]) {
			*why = "out of config memory";
			return 0;
		}
	}
	out[argc] = 0;
	return out;
}

static const char *type_error(const struct key *k)
{
	switch (k->type) {
	case K_PATH:
		return "not an absolute path";
	case K_BOOL:
		return "bad boolean";
	case K_SIZE:
		return "bad size";
	case K_DUR:
		return "bad duration";
	case K_UINT:
		return "bad number";
	case K_PERCENT:
		return "bad percentage";
	case K_ENUM:
		return "bad choice";
	default:
		return "bad value";
	}
}

/* Parses val as k's type into *v. Returns NULL or the reason it is bad. */
static const char *parse_value(struct conf *c, const struct key *k, const char *val, union val *v)
{
	const char *why = type_error(k);
	int b;

	switch (k->type) {
	case K_PATH:
		if (val[0] != '/')
			return why;
		/* fallthrough */
	case K_STR:
		if (k->check && (why = k->check("", val)))
			return why;
		v->s = arena_dup(c, val, strlen(val));
		return v->s ? 0 : "out of config memory";
	case K_BOOL:
		if (parse_bool(val, &b) < 0)
			return why;
		v->n = (uint64_t)b;
		return 0;
	case K_SIZE:
		return parse_size(val, &v->n) < 0 ? why : 0;
	case K_DUR:
		return parse_duration(val, &v->n) < 0 ? why : 0;
	case K_UINT:
		if (parse_u64(val, k->max, &v->n) < 0)
			return why;
		return k->check ? k->check("", val) : 0;
	case K_PERCENT:
		return parse_percent(val, &v->n) < 0 ? why : 0;
	case K_ENUM:
		for (uint64_t i = 0; k->choices[i]; i++) {
			if (!strcmp(k->choices[i], val)) {
				v->n = i;
				return 0;
			}
		}
		return why;
	case K_ARGV:
		v->argv = split_into_arena(c, val, &why);
		return v->argv ? 0 : why;
	}
	return why;
}

static struct item *new_item(struct conf *c, const char *sub, const char *val, uint8_t src)
{
	struct item *it = arena_alloc(c, sizeof *it);
	if (!it)
		return 0;
	it->next = 0;
	it->src = src;
	it->sub = arena_dup(c, sub, strlen(sub));
	it->val = arena_dup(c, val, strlen(val));
	return it->sub && it->val ? it : 0;
}

/*
 * Stores one key's value with the precedence rules. Returns 0, or -1 after reporting an
 * error (the caller decides what an error invalidates).
 */
static int store(struct ctx *x, const struct key *k, uint8_t *srcp, union val *vp, const char *name,
		 const char *sub, const char *val)
{
	struct conf *c = x->c;
	const char *why;

	if (k->cmdline_only && x->src != SRC_CMDLINE) {
		report(c, LOG_WARN, x->where, name, "only valid on the kernel command line");
		return 0;
	}
	if (k->type == K_LIST || k->type == K_MAP) {
		if (k->check && (why = k->check(sub, val))) {
			report(c, LOG_ERR, x->where, name, "%s \"%.*s\"", why, 80, val);
			return -1;
		}
		struct item **pp, *it;
		for (pp = &vp->list; *pp;) {
			int same = k->type == K_LIST || !strcmp((*pp)->sub, sub);
			if (same && (*pp)->src > x->src)
				return 0; /* the command line already said */
			if (k->type == K_LIST && (*pp)->src < x->src) {
				*pp = (*pp)->next; /* the file's list gives way */
				continue;
			}
			if (k->type == K_MAP && same)
				break;
			pp = &(*pp)->next;
		}
		it = new_item(c, sub, val, x->src);
		if (!it) {
			report(c, LOG_ERR, x->where, name, "out of config memory");
			return -1;
		}
		if (*pp) /* K_MAP: replace this entry in place */
			it->next = (*pp)->next;
		*pp = it;
		*srcp = x->src;
		return 0;
	}
	if (*srcp > x->src)
		return 0;
	union val v;
	why = parse_value(c, k, val, &v);
	if (why) {
		report(c, LOG_ERR, x->where, name, "%s \"%.*s\"", why, 80, val);
		return -1;
	}
	*vp = v;
	*srcp = x->src;
	return 0;
}

/* Returns -1 if a default did not fit in the arena. */
static int set_defaults(struct conf *c, const struct key *keys, int n, uint8_t *src, union val *v)
{
	int ret = 0;
	for (int i = 0; i < n; i++) {
		src[i] = SRC_DEFAULT;
		if (!keys[i].def)
			continue;
		/* A default string is a constant already: point at it, do not copy it once per
		 * tenant (a thousand tenants would fill the arena with "auto" and "0:0"). */
		if (keys[i].type == K_STR || keys[i].type == K_PATH)
			v[i].s = keys[i].def;
		else if (parse_value(c, &keys[i], keys[i].def, &v[i]))
			ret = -1;
	}
	return ret;
}

void conf_init(struct conf *c)
{
	/* Only what a previous use touched: the whole structure is half a megabyte, and a
	 * fresh (static) one is zero already, so PID 1 keeps only used pages resident. */
	memset(c->t, 0, sizeof *c->t * (size_t)c->ntenants);
	memset(c->arena, 0, c->used);
	memset(c->src, 0, sizeof c->src);
	memset(c->g, 0, sizeof c->g);
	c->ntenants = 0;
	c->kernel_quiet = 0;
	c->nerrors = c->nwarnings = 0;
	c->lasterr[0] = '\0';
	c->used = 0;
	set_defaults(c, global_keys, G_COUNT, c->src, c->g);
}

struct tenant_conf *conf_tenant(struct conf *c, const char *name)
{
	for (int i = 0; i < c->ntenants; i++)
		if (!strcmp(c->t[i].name, name))
			return &c->t[i];
	return 0;
}

static int lookup(const struct key *keys, int n, const char *name, size_t len)
{
	for (int i = 0; i < n; i++)
		if (strlen(keys[i].name) == len && !strncmp(keys[i].name, name, len))
			return i;
	return -1;
}

/* '-' and '_' are the same in key names (as in kernel parameters); we store '-'. */
static void dashes(char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == '_')
			s[i] = '-';
}

static void set_tenant_key(struct ctx *x, char *key, const char *val)
{
	struct conf *c = x->c;
	char *name = key + 7; /* after "tenant." */
	char *dot = strchr(name, '.');
	if (!dot || dot == name) {
		report(c, LOG_WARN, x->where, key, "unknown key");
		return;
	}
	*dot = '\0';
	dashes(name, strlen(name));
	if (check_tenant_name("", name)) {
		*dot = '.';
		report(c, LOG_ERR, x->where, key, "bad tenant name");
		return;
	}
	*dot = '.';
	char *sub = dot + 1, *subdot = strchr(sub, '.');
	size_t sublen = subdot ? (size_t)(subdot - sub) : strlen(sub);
	dashes(sub, sublen);
	int k = lookup(tenant_keys, T_COUNT, sub, sublen);
	int is_map = k >= 0 && tenant_keys[k].type == K_MAP;
	if (k < 0 || is_map != !!subdot) {
		report(c, LOG_WARN, x->where, key, "unknown key");
		return;
	}
	if (is_map && k == T_RLIMIT)
		dashes(subdot + 1, strlen(subdot + 1));

	*dot = '\0';
	struct tenant_conf *t = conf_tenant(c, name);
	if (!t) {
		if (c->ntenants >= MAX_TENANTS) {
			*dot = '.';
			report(c, LOG_ERR, x->where, key, "too many tenants (at most %d)",
			       MAX_TENANTS);
			return;
		}
		t = &c->t[c->ntenants++];
		memcpy(t->name, name, strlen(name) + 1);
		if (set_defaults(c, tenant_keys, T_COUNT, t->src, t->v) < 0) {
			*dot = '.';
			report(c, LOG_ERR, x->where, key, "out of config memory");
			t->invalid = 1;
			return;
		}
	}
	*dot = '.';
	if (store(x, &tenant_keys[k], &t->src[k], &t->v[k], key, is_map ? subdot + 1 : "", val))
		t->invalid = 1;
}

/* One KEY=VALUE from either source; key is without the "innit." prefix. */
static void set_key(struct ctx *x, const char *rawkey, size_t keylen, const char *val)
{
	char key[160];

	if (keylen == 0 || keylen >= sizeof key) {
		report(x->c, LOG_ERR, x->where, "key", keylen ? "too long" : "empty");
		return;
	}
	memcpy(key, rawkey, keylen);
	key[keylen] = '\0';
	if (!strncmp(key, "tenant.", 7) || !strncmp(key, "tenant_", 7)) {
		key[6] = '.';
		set_tenant_key(x, key, val);
		return;
	}
	dashes(key, keylen);
	int k = strchr(key, '.') ? -1 : lookup(global_keys, G_COUNT, key, keylen);
	if (k < 0) {
		report(x->c, LOG_WARN, x->where, key, "unknown key");
		return;
	}
	/* A bad global value keeps the default; the machine boots anyway. */
	(void)store(x, &global_keys[k], &x->c->src[k], &x->c->g[k], key, "", val);
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

void conf_parse_cmdline(struct conf *c, const char *buf, size_t len)
{
	char where[32], val[CONF_LINE_MAX];
	struct ctx x = {c, SRC_CMDLINE, where};
	size_t p = 0;

	while (p < len && buf[p]) {
		while (p < len && is_space(buf[p]))
			p++;
		if (p >= len || !buf[p])
			break;
		/* The kernel's next_arg(): a token may start with a quote; quotes toggle
		 * "in quote" anywhere; the value loses one pair of surrounding quotes. */
		size_t start = p;
		int quoted = buf[p] == '"', in_quote = quoted;
		if (quoted)
			p++;
		size_t tok = p, eq = 0, i;
		int has_eq = 0;
		for (i = p; i < len && buf[i]; i++) {
			if (is_space(buf[i]) && !in_quote)
				break;
			if (!has_eq && buf[i] == '=') {
				has_eq = 1;
				eq = i;
			}
			if (buf[i] == '"')
				in_quote = !in_quote;
		}
		size_t end = i; /* one past the token */
		p = i;
		fmt(where, sizeof where, "cmdline:%lu", (unsigned long)(start + 1));
		size_t keyend = has_eq ? eq : end;
		if (!has_eq && quoted && end > tok && buf[end - 1] == '"')
			keyend--;
		if (keyend - tok == 5 && !strncmp(buf + tok, "quiet", 5)) {
			c->kernel_quiet = 1;
			continue;
		}
		if (keyend - tok < 6 || strncmp(buf + tok, "innit.", 6))
			continue;
		if (in_quote) {
			report(c, LOG_ERR, where, "innit", "unterminated quote");
			continue;
		}
		if (!has_eq) {
			report(c, LOG_ERR, where, "innit", "expected innit.KEY=VALUE");
			continue;
		}
		size_t vs = eq + 1, ve = end;
		if (vs < ve && buf[vs] == '"') {
			vs++;
			if (ve > vs && buf[ve - 1] == '"')
				ve--;
		} else if (quoted && ve > vs && buf[ve - 1] == '"') {
			ve--;
		}
		if (ve - vs >= sizeof val) {
			report(c, LOG_ERR, where, "innit", "value too long");
			continue;
		}
		memcpy(val, buf + vs, ve - vs);
		val[ve - vs] = '\0';
		set_key(&x, buf + tok + 6, keyend - tok - 6, val);
	}
}

/*
 * One config-file line (without its newline). Returns the reason it is malformed or NULL.
 * A '#' at the start or after a blank outside quotes begins a comment.
 */
static const char *parse_line(struct ctx *x, const char *s, size_t n)
{
	char val[CONF_LINE_MAX];
	size_t i = 0, o = 0;

	while (i < n && is_space(s[i]))
		i++;
	if (i == n || s[i] == '#')
		return 0;
	size_t ks = i;
	while (i < n && s[i] != '=' && !is_space(s[i]))
		i++;
	size_t ke = i;
	while (i < n && is_space(s[i]))
		i++;
	if (i == n || s[i] != '=' || ke == ks)
		return "expected KEY=VALUE";
	i++;
	int blank = 0;
	while (i < n && is_space(s[i])) {
		i++;
		blank = 1;
	}
	if (i < n && s[i] == '#' && blank) {
		/* "KEY= # comment": an empty value */
	} else if (i < n && s[i] == '"') {
		for (i++; i < n && s[i] != '"'; i++) {
			if (s[i] == '\\' && i + 1 < n && (s[i + 1] == '"' || s[i + 1] == '\\'))
				i++;
			val[o++] = s[i];
		}
		if (i == n)
			return "unterminated quote";
		for (i++; i < n && is_space(s[i]); i++)
			;
		if (i < n && s[i] != '#')
			return "text after closing quote";
	} else {
		for (; i < n; i++) {
			if (s[i] == '#' && o > 0 && is_space(val[o - 1]))
				break;
			val[o++] = s[i];
		}
		while (o > 0 && is_space(val[o - 1]))
			o--;
	}
	val[o] = '\0';
	set_key(x, s + ks, ke - ks, val);
	return 0;
}

void conf_parse_file(struct conf *c, const char *name, const char *buf, size_t len)
{
	char where[300];
	struct ctx x = {c, SRC_FILE, where};
	unsigned line = 0;

	for (size_t p = 0; p < len;) {
		const char *nl = memchr(buf + p, '\n', len - p);
		size_t n = nl ? (size_t)(nl - (buf + p)) : len - p;
		line++;
		fmt(where, sizeof where, "%s:%u", name, line);
		const char *why = 0;
		if (n >= CONF_LINE_MAX)
			why = "line too long";
		else if (memchr(buf + p, '\0', n))
			why = "NUL byte in line";
		else
			why = parse_line(&x, buf + p, n);
		if (why)
			report(c, LOG_ERR, where, "line", "%s", why);
		p += n + 1;
	}
}

const char *conf_map(const struct item *list, const char *sub)
{
	for (; list; list = list->next)
		if (!strcmp(list->sub, sub))
			return list->val;
	return 0;
}

void conf_finish(struct conf *c)
{
	char key[64];

	for (int i = 0; i < c->ntenants; i++) {
		struct tenant_conf *t = &c->t[i];
		if (!t->v[T_ROOT].s) {
			fmt(key, sizeof key, "tenant.%s.root", t->name);
			report(c, LOG_ERR, 0, key, "required");
			t->invalid = 1;
		}
		if (t->v[T_AFTER].s && !conf_tenant(c, t->v[T_AFTER].s)) {
			fmt(key, sizeof key, "tenant.%s.after", t->name);
			report(c, LOG_ERR, 0, key, "no tenant \"%s\"", t->v[T_AFTER].s);
			t->invalid = 1;
		}
		if (t->invalid) {
			fmt(key, sizeof key, "tenant.%s", t->name);
			report(c, LOG_ERR, 0, key, "invalid configuration, not started");
		}
	}
	/* Allowed, since SPEC §3 lets a tenant drop any namespace, but never silently. */
	for (int i = 0; i < c->ntenants; i++) {
		if (c->t[i].invalid || ns_mask(c->t[i].v[T_NS].s) & NS_USER)
			continue;
		fmt(key, sizeof key, "tenant.%s.ns", c->t[i].name);
		report(c, LOG_WARN, 0, key, "no user namespace: the tenant's root is host root");
	}
	/* Host id ranges must be disjoint: two tenants sharing host ids could signal and
	 * ptrace each other's processes, whatever their namespaces. (An "auto" range never
	 * meets another "auto" range; an explicit one may meet anything.) */
	for (int i = 0; i < c->ntenants; i++) {
		uint64_t h1, n1, h2, n2;
		struct tenant_conf *t = &c->t[i];
		if (t->invalid || !(ns_mask(t->v[T_NS].s) & NS_USER))
			continue;
		id_range(t->v[T_UIDMAP].s, i, &h1, &n1);
		for (int j = 0; j < i; j++) { /* the earlier tenant keeps its ids */
			if (c->t[j].invalid || !(ns_mask(c->t[j].v[T_NS].s) & NS_USER))
				continue;
			id_range(c->t[j].v[T_UIDMAP].s, j, &h2, &n2);
			if (h1 < h2 + n2 && h2 < h1 + n1) {
				fmt(key, sizeof key, "tenant.%s.uidmap", t->name);
				report(c, LOG_ERR, 0, key, "overlaps tenant %s's host ids",
				       c->t[j].name);
				t->invalid = 1;
				break;
			}
		}
	}
	/* A tenant waiting (through "after") on itself, or on one that never starts, would
	 * wait forever in silence: refuse it now, with a reason. Repeat until nothing changes,
	 * as refusing one may strand the ones waiting on it. */
	for (int changed = 1; changed;) {
		changed = 0;
		for (int i = 0; i < c->ntenants; i++) {
			struct tenant_conf *t = &c->t[i], *d = t;
			if (t->invalid || !t->v[T_AFTER].s)
				continue;
			int steps = 0;
			while (d && d->v[T_AFTER].s && !d->invalid && steps++ <= c->ntenants)
				d = conf_tenant(c, d->v[T_AFTER].s);
			if (d && !d->invalid && steps <= c->ntenants)
				continue;
			fmt(key, sizeof key, "tenant.%s.after", t->name);
			report(c, LOG_ERR, 0, key,
			       steps > c->ntenants ? "waits on itself (a cycle)"
						   : "waits on a tenant that never starts");
			t->invalid = 1;
			changed = 1;
		}
	}
	if (c->g[G_EXIT].s && !conf_tenant(c, c->g[G_EXIT].s))
		report(c, LOG_WARN, 0, "exit", "no tenant \"%s\"", c->g[G_EXIT].s);
}
