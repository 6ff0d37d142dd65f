// Command site serves the news site, checks its content and creates
// articles. See README.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata" // the site's time zone must load even where the system has no zoneinfo

	bundled "github.com/horizons-expat/site/content"
	"github.com/horizons-expat/site/internal/app"
	"github.com/horizons-expat/site/internal/applog"
	"github.com/horizons-expat/site/internal/content"
	"github.com/horizons-expat/site/internal/ingest"
	"github.com/horizons-expat/site/internal/store"
	"github.com/horizons-expat/site/internal/web"
)

const usage = `usage:
  site serve [-addr 127.0.0.1:8080] [-content content] [-db data/site.db] [-base-url URL] [-now RFC3339] [-drafts]
             [-trusted-proxies CIDR,...] [-max-in-flight N] [-search-rate N] [-read-header-timeout D] [-read-timeout D]
             [-write-timeout D] [-idle-timeout D] [-shutdown-timeout D] [-max-header-bytes N]
             [-poll 2s] [-force-poll] [-status-token TOKEN] [-preview-secret SECRET] [-pprof 127.0.0.1:6060]
             [-log-format text|json] [-log-level debug|info|warn|error]
  site check [-content content] [-db data/site.db] [-strict] [-preview] [-preview-secret SECRET]
  site new [-content content] <rubrique> "Titre de l'article"
  site import wordpress EXPORT.xml [-uploads DIR] [-content content] [-pages RUBRIQUE|-] [-category WP=RUBRIQUE ...]
  site import hugo DIR [-content content]
  site help [command]

Every flag of a command: site <command> -h. Built by make build as bin/site.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// commands are the subcommands, by name.
var commands = map[string]func(args []string, stdout, stderr io.Writer) int{
	"serve":  serve,
	"check":  check,
	"new":    newArticle,
	"import": importCmd,
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	case "help":
		if len(args) == 1 {
			fmt.Fprint(stdout, usage)
			return 0
		}
		if _, ok := commands[args[1]]; ok {
			return run([]string{args[1], "-h"}, stdout, stderr)
		}
		args = args[1:] // unknown: said below
	}
	if cmd, ok := commands[args[0]]; ok {
		return cmd(args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "unknown command %q\n%s", args[0], usage)
	return 2
}

// parseFlags parses args into fs. Asked for (-h), the flags' help goes to
// stdout; a mistake goes to stderr. done is true when the command must
// stop there, with exit code code.
func parseFlags(fs *flag.FlagSet, args []string, stdout, stderr io.Writer) (code int, done bool) {
	var out strings.Builder
	fs.SetOutput(&out)
	err := fs.Parse(args)
	fs.SetOutput(stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(stdout, out.String())
		return 0, true
	case err != nil:
		fmt.Fprint(stderr, out.String())
		return 2, true
	}
	return 0, false
}

// env returns the environment variable name, or def when it is unset.
func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}

func serve(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var cfg app.Config
	var now, poll string
	logFormat := fs.String("log-format", env("SITE_LOG_FORMAT", applog.DefaultFormat(stderr)), "log lines as text (for people; the default on a terminal) or json (for programs; the default elsewhere) (SITE_LOG_FORMAT)")
	logLevel := fs.String("log-level", env("SITE_LOG_LEVEL", "info"), "least level logged: debug, info, warn or error (SITE_LOG_LEVEL)")
	fs.StringVar(&cfg.Addr, "addr", env("SITE_ADDR", "127.0.0.1:8080"), "listen address (SITE_ADDR)")
	fs.StringVar(&cfg.ContentDir, "content", env("SITE_CONTENT", "content"), "content folder (SITE_CONTENT)")
	fs.StringVar(&cfg.DBPath, "db", env("SITE_DB", "data/site.db"), "database file, rebuilt from content when missing (SITE_DB)")
	fs.StringVar(&cfg.BaseURL, "base-url", env("SITE_BASE_URL", ""), "public URL of the site, overrides site.yaml (SITE_BASE_URL)")
	fs.StringVar(&now, "now", env("SITE_NOW", ""), "freeze the clock at this RFC 3339 instant (SITE_NOW)")
	fs.StringVar(&cfg.PprofAddr, "pprof", env("SITE_PPROF", ""), "serve net/http/pprof on this loopback address, e.g. 127.0.0.1:6060; off when empty (SITE_PPROF)")
	startProfile := fs.String("startup-cpuprofile", env("SITE_STARTUP_CPUPROFILE", ""), "write a CPU profile of the start (the first pass over the content, until the site serves) to this file; off when empty (SITE_STARTUP_CPUPROFILE)")
	fs.BoolVar(&cfg.Drafts, "drafts", env("SITE_DRAFTS", "") == "1", "show drafts and scheduled articles, for previews (SITE_DRAFTS=1)")
	proxies := fs.String("trusted-proxies", env("SITE_TRUSTED_PROXIES", ""), "comma-separated CIDR prefixes or addresses of the reverse proxies whose X-Forwarded-For is believed (SITE_TRUSTED_PROXIES)")
	limits := []struct {
		d          *time.Duration
		name, envv string
		def        time.Duration
		usage      string
	}{
		{&cfg.ReadHeaderTimeout, "read-header-timeout", "SITE_READ_HEADER_TIMEOUT", app.DefaultReadHeaderTimeout, "time allowed to read a request's headers"},
		{&cfg.ReadTimeout, "read-timeout", "SITE_READ_TIMEOUT", app.DefaultReadTimeout, "time allowed to read a whole request"},
		{&cfg.WriteTimeout, "write-timeout", "SITE_WRITE_TIMEOUT", app.DefaultWriteTimeout, "time allowed to write a response"},
		{&cfg.IdleTimeout, "idle-timeout", "SITE_IDLE_TIMEOUT", app.DefaultIdleTimeout, "how long an idle keep-alive connection stays open"},
		{&cfg.ShutdownTimeout, "shutdown-timeout", "SITE_SHUTDOWN_TIMEOUT", app.DefaultShutdownTimeout, "time requests in flight get to finish on SIGTERM"},
	}
	durations := map[string]*string{}
	for _, l := range limits {
		durations[l.name] = fs.String(l.name, env(l.envv, l.def.String()), l.usage+" ("+l.envv+")")
	}
	fs.IntVar(&cfg.MaxHeaderBytes, "max-header-bytes", envInt("SITE_MAX_HEADER_BYTES", app.DefaultMaxHeaderBytes), "largest request header accepted, in bytes (SITE_MAX_HEADER_BYTES)")
	fs.IntVar(&cfg.SearchesPerMinute, "search-rate", envInt("SITE_SEARCH_RATE", web.DefaultSearchesPerMinute), "searches one client may run per minute; more get 429 (SITE_SEARCH_RATE)")
	fs.IntVar(&cfg.MaxInFlight, "max-in-flight", envInt("SITE_MAX_IN_FLIGHT", web.DefaultMaxInFlight), "requests served at once; more are refused with 503 (SITE_MAX_IN_FLIGHT)")
	fs.StringVar(&poll, "poll", env("SITE_POLL", "2s"), "polling interval when the content folder cannot be watched (SITE_POLL)")
	fs.BoolVar(&cfg.ForcePoll, "force-poll", env("SITE_FORCE_POLL", "") == "1", "poll the content folder even where it could be watched (SITE_FORCE_POLL=1)")
	fs.StringVar(&cfg.StatusToken, "status-token", env("SITE_STATUS_TOKEN", ""), "token that opens /_status to other clients than loopback ones (trusted proxies included), in the X-Status-Token header (SITE_STATUS_TOKEN)")
	fs.StringVar(&cfg.PreviewSecret, "preview-secret", env("SITE_PREVIEW_SECRET", ""), "secret that signs preview links of drafts and scheduled articles; default: "+app.PreviewKeyFile+" beside the database, created at first start (SITE_PREVIEW_SECRET)")
	var purgeURLs []string
	fs.Func("purge-url", "caching proxy to send BAN requests with the Surrogate-Key of changed pages; repeatable (SITE_PURGE_URL, comma-separated)", func(v string) error {
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("want an http(s) URL such as http://127.0.0.1:6081/")
		}
		purgeURLs = append(purgeURLs, v)
		return nil
	})
	if code, done := parseFlags(fs, args, stdout, stderr); done {
		return code
	}
	cfg.PurgeURLs = purgeURLs
	if len(purgeURLs) == 0 {
		cfg.PurgeURLs = strings.Fields(strings.ReplaceAll(env("SITE_PURGE_URL", ""), ",", " "))
	}
	var logOpts applog.Options
	var err error
	if logOpts.Format, err = applog.ParseFormat(*logFormat); err != nil {
		fmt.Fprintf(stderr, "invalid -log-format: %v\n", err)
		return 2
	}
	if logOpts.Level, err = applog.ParseLevel(*logLevel); err != nil {
		fmt.Fprintf(stderr, "invalid -log-level: %v\n", err)
		return 2
	}
	logger := applog.NewOptions(stderr, logOpts)
	defer logger.Close()
	log := logger.Logger
	for _, l := range limits {
		v := *durations[l.name]
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			log.Error("invalid -"+l.name+": want a positive duration such as 5s or 500ms", "value", v)
			return 2
		}
		*l.d = d
	}
	if cfg.MaxHeaderBytes <= 0 || cfg.MaxInFlight <= 0 || cfg.SearchesPerMinute <= 0 {
		log.Error("invalid limits: -max-header-bytes, -max-in-flight and -search-rate must be positive",
			"max_header_bytes", cfg.MaxHeaderBytes, "max_in_flight", cfg.MaxInFlight, "search_rate", cfg.SearchesPerMinute)
		return 2
	}
	if cfg.TrustedProxies, err = parsePrefixes(*proxies); err != nil {
		log.Error("invalid -trusted-proxies", "err", err)
		return 2
	}
	d, err := time.ParseDuration(poll)
	if err != nil || d < 10*time.Millisecond {
		log.Error("invalid -poll: want a duration of at least 10ms such as 2s or 500ms", "value", poll)
		return 2
	}
	cfg.Poll = d
	if now != "" {
		t, err := time.Parse(time.RFC3339, now)
		if err != nil {
			log.Error("invalid -now: want an RFC 3339 instant such as 2024-11-20T09:00:00+01:00", "value", now)
			return 2
		}
		cfg.Now = t
	}
	if cfg.ContentDir == "content" && !explicit(fs, "content") && os.Getenv("SITE_CONTENT") == "" {
		if _, err := os.Stat("content"); err != nil {
			log.Info("no content folder here: serving the content bundled in the binary")
			cfg.ContentDir, cfg.Bundled = "", bundled.FS
		}
	}
	testHooks(&cfg, log)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// -pprof serves only once the site runs: a cold start, which parses
	// and stores every file before that, is profiled from here.
	stopProfile, err := startupProfile(*startProfile)
	if err != nil {
		log.Error("cannot start", "err", err)
		return 1
	}
	a, err := app.New(ctx, cfg, log)
	if perr := stopProfile(); perr != nil {
		log.Warn("startup CPU profile", "err", perr)
	}
	if err != nil {
		log.Error("cannot start", "err", err)
		return 1
	}
	runErr := a.Run(ctx)
	closeErr := a.Close()
	if err := errors.Join(runErr, closeErr); err != nil {
		log.Error("stopped with an error", "err", err)
		return 1
	}
	log.Info("stopped")
	return 0
}

// startupProfile starts a CPU profile written to path, and returns what
// stops it; nothing when path is empty.
func startupProfile(path string) (stop func() error, err error) {
	if path == "" {
		return func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("startup CPU profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("startup CPU profile: %w", err)
	}
	return func() error {
		pprof.StopCPUProfile()
		return f.Close()
	}, nil
}

// envInt returns the environment variable name as an integer, or def when
// it is unset; a value that is not a number gives -1, which the caller
// rejects.
func envInt(name string, def int) int {
	v, ok := os.LookupEnv(name)
	if !ok {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return -1
	}
	return n
}

// parsePrefixes reads a comma-separated list of CIDR prefixes; a bare
// address stands for itself alone.
func parsePrefixes(list string) ([]string, error) {
	var out []string
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if p, err := netip.ParsePrefix(item); err == nil {
			out = append(out, p.Masked().String())
			continue
		}
		a, err := netip.ParseAddr(item)
		if err != nil {
			return nil, fmt.Errorf("%q is neither a CIDR prefix (10.0.0.0/8) nor an address", item)
		}
		out = append(out, netip.PrefixFrom(a, a.BitLen()).String())
	}
	return out, nil
}

// explicit reports whether the flag name was given on the command line.
func explicit(fs *flag.FlagSet, name string) bool {
	found := false
	fs.Visit(func(f *flag.Flag) { found = found || f.Name == name })
	return found
}

func check(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	dir := fs.String("content", env("SITE_CONTENT", "content"), "content folder (SITE_CONTENT)")
	strict := fs.Bool("strict", env("SITE_STRICT", "") == "1", "fail on warnings too (SITE_STRICT=1)")
	db := fs.String("db", env("SITE_DB", "data/site.db"), "the server's database, when there is one: articles that moved get an alias suggested (SITE_DB)")
	preview := fs.Bool("preview", false, "print the preview link of each draft and scheduled article")
	secret := fs.String("preview-secret", env("SITE_PREVIEW_SECRET", ""), "the server's preview secret; default: "+app.PreviewKeyFile+" beside the database (SITE_PREVIEW_SECRET)")
	if code, done := parseFlags(fs, args, stdout, stderr); done {
		return code
	}
	// Only the server's database remembers where moved articles were.
	moves, err := store.MovesIn(context.Background(), *db)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		fmt.Fprintln(stderr, "base non lue, pas de suggestion d'alias :", err)
	}
	// The server's own pipeline, on an empty database: check and server
	// cannot judge a file differently.
	set, err := ingest.CheckDir(*dir, moves, ingest.WithReserved(web.ReservedSegments()))
	if err != nil {
		fmt.Fprintln(stderr, folderProblem(*dir, err))
		return 1
	}
	// Image files that no article names, which the server checks after
	// each pass with the same functions.
	if root, err := os.OpenRoot(*dir); err == nil {
		set.Problems = append(set.Problems, set.UnnamedImageProblems(root.FS())...)
		content.SortProblems(set.Problems)
		root.Close()
	}
	errs, warnings := 0, 0
	for _, p := range set.Problems {
		fmt.Fprintln(stdout, p.String())
		if p.Warning {
			warnings++
		} else {
			errs++
		}
	}
	fmt.Fprintln(stderr, summary(len(set.Articles), len(set.Categories), errs, warnings))
	if *preview {
		// The same secret as the server's, so that the links work there:
		// created now if the server never ran, and read by it later.
		key, err := app.PreviewSecret(*secret, filepath.Dir(*db), true)
		if err != nil {
			fmt.Fprintln(stderr, "liens d'aperçu impossibles :", err)
			return 1
		}
		printPreviews(stdout, set, key, time.Now())
	}
	if errs > 0 || (warnings > 0 && *strict) {
		return 1
	}
	return 0
}

// summary is the last line of site check: what was read and what is wrong,
// errors and warnings told apart (a warning alone does not fail the check).
func summary(articles, categories, errs, warnings int) string {
	parts := []string{count(articles, "article", "articles"), count(categories, "rubrique", "rubriques")}
	if errs > 0 {
		parts = append(parts, count(errs, "erreur", "erreurs"))
	}
	if warnings > 0 {
		parts = append(parts, count(warnings, "avertissement", "avertissements"))
	}
	if errs+warnings == 0 {
		parts = append(parts, "aucun problème")
	}
	return strings.Join(parts, ", ")
}

// folderProblem says in French why the content folder dir cannot be
// checked.
func folderProblem(dir string, err error) string {
	switch {
	case errors.Is(err, os.ErrNotExist):
		return fmt.Sprintf("dossier de contenu introuvable : %s (indiquez-le avec -content)", dir)
	case errors.Is(err, os.ErrPermission):
		return fmt.Sprintf("dossier de contenu illisible : %s (permission refusée)", dir)
	}
	return fmt.Sprintf("dossier de contenu illisible : %s (%v)", dir, err)
}

// printPreviews prints the preview link of each article of set that
// readers cannot see at now: drafts and scheduled ones.
func printPreviews(w io.Writer, set *content.Set, secret []byte, now time.Time) {
	n := 0
	for _, a := range set.Articles {
		state := ""
		switch {
		case a.Draft:
			state = "brouillon"
		case a.Date.After(now):
			state = "programmé le " + a.Date.In(set.Site.Location).Format("02/01/2006 15:04")
		default:
			continue
		}
		n++
		fmt.Fprintf(w, "aperçu : %s (%s) %s%s\n", a.Path, state, set.Site.BaseURL, web.PreviewPath(secret, a.Path))
	}
	if n == 0 {
		fmt.Fprintln(w, "aperçu : aucun brouillon ni article programmé")
	}
}

func newArticle(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("new", flag.ContinueOnError)
	dir := fs.String("content", env("SITE_CONTENT", "content"), "content folder (SITE_CONTENT)")
	if code, done := parseFlags(fs, args, stdout, stderr); done {
		return code
	}
	if fs.NArg() != 2 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	path, err := content.CreateArticle(*dir, fs.Arg(0), fs.Arg(1), time.Now())
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	fmt.Fprintln(stdout, path)
	return 0
}

// count writes n and the French noun, plural from 2 on ("0 article",
// "1 article", "2 articles").
func count(n int, singular, plural string) string {
	if n >= 2 {
		return fmt.Sprintf("%d %s", n, plural)
	}
	return fmt.Sprintf("%d %s", n, singular)
}
