"""Statistics and Markdown cells shared by bench.py and its report
sections: medians with p10-p90 spreads, ratios of medians, a
distribution-free interval for a median."""

import math


def quantile(xs, q):
    s = sorted(xs)
    if not s:
        return float("nan")
    pos = (len(s) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def median(xs):
    return quantile(xs, 0.5)


def fmt(x, digits=1):
    if x is None or x != x:
        return "n/a"
    if abs(x) >= 100:
        return "%.0f" % x
    return "%.*f" % (digits, x)


def cell(xs, digits=1):
    """median [p10-p90]"""
    if not xs:
        return "n/a"
    return "%s [%s–%s]" % (fmt(median(xs), digits), fmt(quantile(xs, 0.1), digits), fmt(quantile(xs, 0.9), digits))


def ratio(a, b, floor=0.0):
    """median(a) / median(b), both less floor"""
    if not a or not b:
        return None
    ma, mb = median(a) - floor, median(b) - floor
    return ma / mb if mb > 0 else None


def fmt_ratio(r):
    return "n/a" if r is None else "%.2fx" % r


def median_ci(xs):
    """a distribution-free 95% interval for the median: the order statistics
    n/2 -+ 0.98 sqrt(n) (the binomial's normal approximation)"""
    s = sorted(xs)
    n = len(s)
    k = int(math.floor(n / 2 - 0.98 * math.sqrt(n)))
    if k < 0:
        return None
    return s[k], s[n - 1 - k]


def table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out)
