package cli

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/pprof"
	"strings"
)

// observability holds zcrm serve's logging and profiling flags.
type observability struct {
	format, level string
	pprof         bool
}

// flags declares --log-format, --log-level and --pprof on fs.
func (o *observability) flags(e env, fs *flag.FlagSet) {
	fs.StringVar(&o.format, "log-format", envOr(e, "ZCRM_LOG_FORMAT", "text"), "log format on stderr: text or json (env ZCRM_LOG_FORMAT)")
	fs.StringVar(&o.level, "log-level", envOr(e, "ZCRM_LOG_LEVEL", "info"), "least severe level logged: debug, info (one line per request), warn or error (env ZCRM_LOG_LEVEL)")
	fs.BoolVar(&o.pprof, "pprof", false, "serve net/http/pprof under /debug/pprof/ on the same listener")
}

// logger returns the server's one logger, writing to w in the chosen format from the chosen level.
func (o *observability) logger(w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	switch strings.ToLower(o.level) {
	case "debug":
		level = slog.LevelDebug
	case "info":
		level = slog.LevelInfo
	case "warn":
		level = slog.LevelWarn
	case "error":
		level = slog.LevelError
	default:
		return nil, fmt.Errorf("--log-level must be debug, info, warn or error, not %q", o.level)
	}
	opts := &slog.HandlerOptions{Level: level}
	switch strings.ToLower(o.format) {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("--log-format must be text or json, not %q", o.format)
}

// debug returns the handler of /debug/pprof/ with --pprof, else nil (those paths stay unknown).
func (o *observability) debug() http.Handler {
	if !o.pprof {
		return nil
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index) // the index, and every runtime profile by name
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}
