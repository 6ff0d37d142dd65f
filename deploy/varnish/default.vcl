# Varnish configuration for Horizons: N identical replicas behind one cache.
#
# The replicas say everything the cache needs in their answers:
#   Cache-Control: public, max-age=…, s-maxage=…, stale-while-revalidate=…
#     every lifetime ends before the page's text would change (a relative
#     date moving on, a scheduled article appearing), so the TTL and grace
#     that Varnish derives from them are always safe;
#   Surrogate-Key: the ids of what the page shows (a12 c-vie-pratique home…),
#     so that a content change bans exactly the pages that show it.
# When content changes, each replica sends
#   BAN / with "Surrogate-Key: a12 home feeds"
# and this VCL bans every object whose Surrogate-Key header holds one of them.
#
# Start varnishd with -p http_gzip_support=off: the replicas compress
# (gzip only) themselves and answer Vary: Accept-Encoding, which the
# normalisation below keeps to two variants.
vcl 4.1;

import directors;
import std;

probe healthz {
    .url = "/healthz";
    .interval = 1s;
    .timeout = 1s;
    .window = 3;
    .threshold = 2;
    .initial = 2;
}

# backends.vcl defines the replicas (each with .probe = healthz), adds them
# to the shard director "replicas" in vcl_init, and lists in the acl
# "purgers" the addresses allowed to ban (the replicas themselves).
include "backends.vcl";

# TLS is terminated in front of Varnish by hitch (hitch.conf, which says how
# to start varnishd), and plain HTTP (the listener named "http") only moves
# readers to HTTPS, except for the ACME challenges by which the certificate
# authority checks the domain: certbot answers those itself
# (certbot certonly --standalone --http-01-port 8888).
backend acme {
    .host = "127.0.0.1";
    .port = "8888";
}

sub vcl_recv {
    # The shard director (backends.vcl) spreads addresses over the replicas
    # by URL; a retry asks it for the next replica in its ring
    # (vcl_backend_fetch), so that the attempts of one request never meet
    # the same dead replica twice before the probe notices it.
    set req.backend_hint = replicas.backend(by=URL);

    if (req.method == "BAN" || req.method == "PURGE") {
        if (!client.ip ~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.Surrogate-Key || req.http.Surrogate-Key !~ "^[a-z0-9 -]+$") {
            return (synth(400, "Surrogate-Key header of [a-z0-9-] keys required"));
        }
        # Keys are whole words of the object's Surrogate-Key header.
        ban("obj.http.Surrogate-Key ~ (^|\s)(" +
            regsuball(std.tolower(req.http.Surrogate-Key), "\s+", "|") + ")(\s|$)");
        return (synth(200, "Banned"));
    }

    if (local.socket == "http") {
        if (req.url ~ "^/\.well-known/acme-challenge/") {
            set req.backend_hint = acme;
            return (pass);
        }
        return (synth(750, "Moved to HTTPS"));
    }

    # The editors' status page and the metrics are for the replicas'
    # operators only.
    if (req.url ~ "^/(_status|metrics(\?|$))" && !client.ip ~ purgers) {
        return (synth(404, "Not Found"));
    }

    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }

    # The site sets no cookie and reads none: a cookie must not split the cache.
    unset req.http.Cookie;
    unset req.http.Authorization;

    # Two variants, the two the replicas serve: gzip or identity. Browsers
    # list more codings ("gzip, deflate, br, zstd"): keeping only one that
    # the replicas do not speak would cost every reader compression.
    if (req.http.Accept-Encoding ~ "(?i)(^|,)\s*gzip\s*(;\s*q\s*=\s*0(\.0*)?\s*)(,|$)") {
        unset req.http.Accept-Encoding; # gzip;q=0: the client refuses it
    } elsif (req.http.Accept-Encoding ~ "(?i)(^|,)\s*gzip\s*(;|,|$)") {
        set req.http.Accept-Encoding = "gzip";
    } else {
        unset req.http.Accept-Encoding;
    }
    return (hash);
}

sub vcl_backend_fetch {
    if (bereq.retries > 0 && bereq.backend != acme) {
        set bereq.backend = replicas.backend(by=URL, alt=bereq.retries);
    }
}

sub vcl_backend_response {
    # A replica that fails or was killed mid-answer: try another one.
    if (beresp.status >= 500 && bereq.retries < 2 && bereq.method == "GET") {
        return (retry);
    }
    unset beresp.http.Set-Cookie;
    # Grace comes from stale-while-revalidate only, which the replicas bound
    # like every lifetime: Varnish's default grace would serve a page past
    # the moment its relative dates change.
    if (beresp.http.Cache-Control ~ "stale-while-revalidate=[0-9]+") {
        set beresp.grace = std.duration(regsub(beresp.http.Cache-Control,
            "^.*stale-while-revalidate=([0-9]+).*$", "\1s"), 0s);
    } else {
        set beresp.grace = 0s;
    }
    # Keep objects a little longer for conditional fetches (If-None-Match).
    set beresp.keep = 10s;
}

sub vcl_backend_error {
    if (bereq.retries < 2) {
        return (retry);
    }
}

sub vcl_synth {
    if (resp.status == 750) {
        set resp.status = 301;
        set resp.reason = "Moved Permanently";
        set resp.http.Location = "https://" + regsub(req.http.Host, ":[0-9]+$", "") + req.url;
        set resp.http.Content-Length = "0";
        return (deliver);
    }
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    # Keys are for this cache only.
    unset resp.http.Surrogate-Key;
    unset resp.http.Cache-Tag;
}
