"""The indicator kernel: one fused pass per ticker, compiled by numba, parallel across tickers.

Every TA-Lib indicator repeats the loop of TA-Lib 0.8 (the C core bundled with the `ta-lib`
wheel) operation for operation, including its fused multiply-adds (EMA, MACD, ATR), RSI's
multiplication by 1/n with an exact `> 0` test, and the shifted running sums with periodic
rebuilds behind its variance, so results agree with TA-Lib to the last bit rather than
converging to it. Rolling max/min use monotonic deques (O(n) whatever the data; max/min are
exact input values). The non-TA-Lib statistics use a sliding Welford update.

Layout: inputs are float64 arrays sorted by (ticker, date); `starts` holds each ticker's first
row plus the total length; `outs[c][i]` is column c (see OUT) of row i, NaN where undefined. One
array per column (not one 2-D block) keeps each allocation small enough for the allocator to
reuse, so repeated runs do not pay fresh page faults for ~1 GB of output.
"""

from __future__ import annotations

import math

import numpy as np
from llvmlite import ir
from numba import njit, prange, types
from numba.core import cgutils
from numba.extending import intrinsic

from finlake.indicators.columns import ANOMALY_Z, COLUMNS, TRADING_DAYS

OUT = {name: i for i, name in enumerate(COLUMNS)}
NAN = np.nan
SQRT_DAYS = math.sqrt(TRADING_DAYS)


@intrinsic
def fma(typingctx, a, b, c):
    """a * b + c with a single rounding (LLVM's llvm.fma.f64), as TA-Lib 0.8 computes it."""
    signature = types.float64(types.float64, types.float64, types.float64)

    def codegen(context, builder, sig, args):
        double = ir.DoubleType()
        fn = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(double, [double, double, double]), "llvm.fma.f64"
        )
        return builder.call(fn, args)

    return signature, codegen


@njit(cache=True)
def _sma(x, n, out):
    """TA-Lib INT_SMA: running total, add the new value, keep it, drop the trailing one."""
    m = len(x)
    if m < n:
        return
    total = 0.0
    for i in range(n - 1):
        total += x[i]
    for i in range(n - 1, m):
        total += x[i]
        value = total
        total -= x[i - n + 1]
        out[i] = value / n


@njit(cache=True)
def _ema(x, n, out):
    """TA-Lib EMA: seed = sequential sum of the first n values / n, then
    prev = fma(k, x - prev, prev) with k = 2 / (n + 1)."""
    m = len(x)
    if m < n:
        return
    k = 2.0 / float(n + 1)
    total = 0.0
    for i in range(n):
        total += x[i]
    prev = total / float(n)
    out[n - 1] = prev
    for i in range(n, m):
        prev = fma(k, x[i] - prev, prev)
        out[i] = prev


@njit(cache=True)
def _macd(x, line, signal, hist):
    """TA-Lib MACD(12, 26, 9): the slow seed is the mean of bars 0..25, the fast seed the mean of
    bars 14..25; the signal seed is the mean of the MACD line over bars 25..33; output from 33."""
    m = len(x)
    if m <= 33:
        return
    k_fast = 2.0 / 13.0
    k_slow = 2.0 / 27.0
    k_signal = 2.0 / 10.0
    slow_total = 0.0
    for i in range(14):
        slow_total += x[i]
    fast = 0.0
    for i in range(14, 26):
        fast += x[i]
        slow_total += x[i]
    slow = slow_total / 26.0
    fast = fast / 12.0
    macd = fast - slow
    sig = 0.0 + macd
    for i in range(26, 34):
        v = x[i]
        fast = fma(k_fast, v - fast, fast)
        slow = fma(k_slow, v - slow, slow)
        macd = fast - slow
        sig += macd
    sig = sig / 9.0
    line[33] = macd
    signal[33] = sig
    hist[33] = macd - sig
    for i in range(34, m):
        v = x[i]
        fast = fma(k_fast, v - fast, fast)
        slow = fma(k_slow, v - slow, slow)
        macd = fast - slow
        sig = fma(k_signal, macd - sig, sig)
        line[i] = macd
        signal[i] = sig
        hist[i] = macd - sig


@njit(cache=True)
def _rsi(x, n, out):
    """TA-Lib 0.8 RSI: mean gain/loss of the first n changes, then Wilder smoothing written as
    (avg * (n - 1) + change) * (1 / n); 0 when gain + loss is not > 0 (a flat series)."""
    m = len(x)
    if m <= n:
        return
    inv = 1.0 / float(n)
    nm1 = float(n - 1)
    prev = x[0]
    gain = 0.0
    loss = 0.0
    for i in range(1, n + 1):
        d = x[i] - prev
        prev = x[i]
        up = d if d > 0.0 else 0.0
        gain = gain + up
        loss = loss + (up - d)
    gain = gain * inv
    loss = loss * inv
    total = loss + gain
    out[n] = (gain / total) * 100.0 if total > 0.0 else 0.0
    for i in range(n + 1, m):
        d = x[i] - prev
        prev = x[i]
        gain_t = gain * nm1
        loss_t = loss * nm1
        up = d if d > 0.0 else 0.0
        gain = gain_t + up
        loss = (up - d) + loss_t
        gain = gain * inv
        loss = loss * inv
        total = loss + gain
        out[i] = (gain / total) * 100.0 if total > 0.0 else 0.0


@njit(cache=True)
def _bbands(x, n, nbdev, middle, upper, lower):
    """TA-Lib 0.8 BBANDS (SMA middle): population variance from running sums shifted by a
    reference value, rebuilt two-pass when cancellation threatens or every 32n bars."""
    m = len(x)
    if m < n:
        return
    inv = 1.0 / float(n)
    shift = x[0]
    total = 0.0
    p1 = 0.0
    p2 = 0.0
    for j in range(n - 1):
        total += x[j]
        t = x[j] - shift
        p1 += t
        p2 += t * t
    bars = 32 * n
    for i in range(n - 1, m):
        total += x[i]
        mid = total / float(n)
        total -= x[i - n + 1]
        t = x[i] - shift
        p1 += t
        p2 += t * t
        m1 = p1 * inv
        var = p2 * inv - m1 * m1
        t = x[i - n + 1] - shift
        p1 -= t
        t = t * t
        p2 -= t
        bars -= 1
        if var < 0.000001 * (p2 * inv) or t > 1000000.0 * p2 or bars <= 0:
            bars = 32 * n
            start = i - (n - 1)
            acc = 0.0
            for j in range(start, i + 1):
                acc += x[j]
            shift = acc * inv
            p1 = 0.0
            p2 = 0.0
            for j in range(start, i + 1):
                t = x[j] - shift
                p1 += t
                p2 += t * t
            m1 = p1 * inv
            var = p2 * inv - m1 * m1
            if var < 0.000000000001 * (p2 * inv):
                var = 0.0
            t = x[start] - shift
            p1 -= t
            p2 -= t * t
        sd = 0.0 if var == 0.0 else math.sqrt(var)
        width = sd * nbdev
        middle[i] = mid
        upper[i] = mid + width
        lower[i] = mid - width


@njit(cache=True)
def _true_range(high, low, close, i):
    greatest = high[i] - low[i]
    val = abs(close[i - 1] - high[i])
    if val > greatest:
        greatest = val
    val = abs(close[i - 1] - low[i])
    if val > greatest:
        greatest = val
    return greatest


@njit(cache=True)
def _atr(high, low, close, n, out):
    """TA-Lib 0.8 ATR: true range from the second bar, seeded by the mean of TR[1..n], then
    prev = fma(prev, (n-1)/n, TR * (1 - (n-1)/n))."""
    m = len(close)
    if m <= n:
        return
    w_prev = float(n - 1) / float(n)
    w_new = 1.0 - w_prev
    total = 0.0
    for i in range(1, n + 1):
        total += _true_range(high, low, close, i)
    prev = total / float(n)
    out[n] = prev
    for i in range(n + 1, m):
        prev = fma(prev, w_prev, _true_range(high, low, close, i) * w_new)
        out[i] = prev


@njit(cache=True)
def _rolling_extreme(x, n, sign, shift, out, prefix, suffix):
    """Max (sign 1.0) or min (sign -1.0: max of the negated values, negated back, exact) of the
    n values ending at row i, written at i + shift (Van Herk / Gil-Werman: block prefix and
    suffix maxima, branch-free and O(n); results are exact input values)."""
    m = len(x)
    if m < n:
        return
    for i in range(m):
        prefix[i] = sign * x[i] if i % n == 0 else max(prefix[i - 1], sign * x[i])
    suffix[m - 1] = sign * x[m - 1]
    for i in range(m - 2, -1, -1):
        suffix[i] = sign * x[i] if (i + 1) % n == 0 else max(suffix[i + 1], sign * x[i])
    for i in range(n - 1, m - shift):
        out[i + shift] = sign * max(suffix[i - n + 1], prefix[i])


@njit(cache=True)
def _rolling_sum(x, n, out):
    """TA-Lib SUM order: add the new value, keep it, drop the trailing one."""
    m = len(x)
    if m < n:
        return
    total = 0.0
    for i in range(n - 1):
        total += x[i]
    for i in range(n - 1, m):
        total += x[i]
        out[i] = total
        total -= x[i - n + 1]


@njit(cache=True)
def _rolling_mean_std(x, first, n, shift, mean_out, std_out):
    """Mean and sample std of the n values of x ending at row i, written at i + shift, for
    windows starting at or after `first` (sliding Welford update)."""
    m = len(x)
    if m - first < n:
        return
    mean = 0.0
    m2 = 0.0
    for k in range(n):
        v = x[first + k]
        delta = v - mean
        mean += delta / (k + 1)
        m2 += delta * (v - mean)
    end = first + n - 1
    while True:
        row = end + shift
        if row < m:
            mean_out[row] = mean
            std_out[row] = math.sqrt(m2 / (n - 1)) if m2 > 0 else 0.0
        end += 1
        if end >= m:
            break
        new = x[end]
        old = x[end - n]
        old_mean = mean
        mean += (new - old) / n
        m2 += (new - old) * (new - mean + old - old_mean)


@njit(cache=True)
def _one(high, low, close, volume, outs, a, b, warmup, scratch):
    """All columns for one ticker: inputs are its slices, outputs its rows [a, b) of `outs`.
    Each column gets NaN over its warm-up; every later row is written below."""
    m = len(close)
    for c in range(len(outs)):
        column = outs[c]
        for i in range(a, a + min(warmup[c], m)):
            column[i] = NAN
    for c, n in ((0, 5), (1, 10), (2, 20), (3, 50), (4, 100), (5, 200)):
        _sma(close, n, outs[c][a:b])
    for c, n in ((6, 12), (7, 26), (8, 50), (9, 200)):
        _ema(close, n, outs[c][a:b])
    _rsi(close, 14, outs[10][a:b])
    _macd(close, outs[11][a:b], outs[12][a:b], outs[13][a:b])
    upper, middle, lower = outs[14][a:b], outs[15][a:b], outs[16][a:b]
    _bbands(close, 20, 2.0, middle, upper, lower)
    percent_b, bandwidth = outs[17][a:b], outs[18][a:b]
    for i in range(19, m):
        width = upper[i] - lower[i]
        percent_b[i] = (close[i] - lower[i]) / width if width > 0 else NAN
        bandwidth[i] = width / middle[i] if middle[i] != 0 else NAN
    _atr(high, low, close, 14, outs[19][a:b])
    _sma(volume, 20, outs[20][a:b])
    _sma(volume, 50, outs[21][a:b])
    for i in range(m):
        scratch[0, i] = ((high[i] + low[i] + close[i]) / 3.0) * volume[i]
    _rolling_sum(scratch[0], 20, scratch[1])
    _rolling_sum(volume, 20, scratch[2])
    vwap = outs[22][a:b]
    for i in range(19, m):
        vwap[i] = scratch[1, i] / scratch[2, i] if scratch[2, i] > 0 else NAN
    _rolling_extreme(high, TRADING_DAYS, 1.0, 0, outs[23][a:b], scratch[3], scratch[4])
    _rolling_extreme(low, TRADING_DAYS, -1.0, 0, outs[24][a:b], scratch[3], scratch[4])
    for c, p in ((25, 1), (26, 5), (27, 21)):
        returns = outs[c][a:b]
        for i in range(p, m):
            returns[i] = close[i] / close[i - p] - 1.0
    log_returns = outs[28][a:b]
    for i in range(1, m):
        log_returns[i] = math.log(close[i] / close[i - 1])
    volatility = outs[29][a:b]
    _rolling_mean_std(log_returns, 1, 21, 0, scratch[0], volatility)
    for i in range(21, m):
        volatility[i] *= SQRT_DAYS
    daily = outs[25][a:b]
    _rolling_mean_std(daily, 1, 63, 1, scratch[0], scratch[1])
    zscore, anomaly = outs[30][a:b], outs[31][a:b]
    for i in range(64, m):
        sd = scratch[1, i]
        if sd > 0:
            z = (daily[i] - scratch[0, i]) / sd
            zscore[i] = z
            anomaly[i] = 1.0 if abs(z) > ANOMALY_Z else 0.0
        else:
            zscore[i] = NAN
            anomaly[i] = NAN
    _rolling_extreme(low, 20, -1.0, 1, outs[32][a:b], scratch[3], scratch[4])
    _rolling_extreme(high, 20, 1.0, 1, outs[33][a:b], scratch[3], scratch[4])


@njit(cache=True, parallel=True)
def compute_all(high, low, close, volume, starts, warmup, outs):
    """Fill `outs` (one array per column of COLUMNS) for every ticker; `starts` = first row of
    each ticker followed by the number of rows; `warmup` = WARMUP in column order."""
    for g in prange(len(starts) - 1):
        a = starts[g]
        b = starts[g + 1]
        scratch = np.empty((5, b - a), dtype=np.float64)
        _one(high[a:b], low[a:b], close[a:b], volume[a:b], outs, a, b, warmup, scratch)
