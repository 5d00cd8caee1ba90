"""sin, cos, log and Gaussian draws that give the same bits on every machine, for the datasets.

Python's math.sin, math.cos and math.log (and so random.gauss) call the C library of the
machine, and libraries differ in the last bit now and then: the Lab's Pyodide in the
browser and CPython on a desktop made one data value in a hundred differ by an ulp, so a
link did not give the same run number for number. These are written in plain IEEE
arithmetic (+, -, *, /, math.sqrt and math.frexp, all exact or correctly rounded
everywhere), so a seed gives the same dataset to the bit in every Python; they agree
with the C library's to about one ulp. The polynomials are fdlibm's (Sun's freely
distributable libm), whose coefficients are published with it.
"""

from __future__ import annotations

import math
import random

# pi/2 in three parts of which the first two have 33 bits: n * part is exact for |n| < 2^20,
# so x - n*pi/2 loses nothing to rounding (Cody and Waite's reduction).
_PIO2_1 = 1.57079632673412561417e00
_PIO2_2 = 6.07710050630396597660e-11
_PIO2_3 = 2.02226624871116645580e-21
_TWO_OVER_PI = 6.36619772367581382433e-01
_LARGEST = 2.0**19 * _PIO2_1  # beyond this the reduction above would round

# sin(r) = r + r^3 (S1 + r^2 S2 + ...) and cos(r) = 1 - r^2/2 + r^4 (C1 + r^2 C2 + ...), |r| <= pi/4
_S = (-1.66666666666666324348e-01, 8.33333333332248946124e-03, -1.98412698298579493134e-04,
      2.75573137070700676789e-06, -2.50507602534068634195e-08, 1.58969099521155010221e-10)  # fmt: skip
_C = (4.16666666666666019037e-02, -1.38888888888741095749e-03, 2.48015872894767294178e-05,
      -2.75573143513906633035e-07, 2.08757232129817482790e-09, -1.13596475577881948265e-11)  # fmt: skip

# log(1 + f) = 2s + s (Lg1 s^2 + Lg2 s^4 + ...), s = f / (2 + f); ln 2 in a high and a low part
_LN2_HI = 6.93147180369123816490e-01
_LN2_LO = 1.90821492927058770002e-10
_LG = (6.666666666666735130e-01, 3.999999999940941908e-01, 2.857142874366239149e-01, 2.222219843214978396e-01,
       1.818357216161805012e-01, 1.531383769920937332e-01, 1.479819860511658591e-01)  # fmt: skip
_SQRT_HALF = 0.70710678118654752440


def _sin_near_zero(r: float) -> float:
    z = r * r
    tail = _S[1] + z * (_S[2] + z * (_S[3] + z * (_S[4] + z * _S[5])))
    return r + z * r * (_S[0] + z * tail)


def _cos_near_zero(r: float) -> float:
    z = r * r
    tail = z * (_C[0] + z * (_C[1] + z * (_C[2] + z * (_C[3] + z * (_C[4] + z * _C[5])))))
    half = 0.5 * z
    w = 1.0 - half
    return w + (((1.0 - w) - half) + z * tail)


def _reduced(x: float) -> tuple[int, float]:
    """(n, r) with x = n*pi/2 + r and |r| <= pi/4 (about)."""
    if not abs(x) <= _LARGEST:
        raise ValueError(f"portable sin and cos take |x| up to {_LARGEST:.4g}, got {x!r}")
    n = round(x * _TWO_OVER_PI)
    return n, ((x - n * _PIO2_1) - n * _PIO2_2) - n * _PIO2_3


def sin(x: float) -> float:
    """sin x, the same bits on every machine (|x| up to about 8e5)."""
    n, r = _reduced(x)
    return (_sin_near_zero(r), _cos_near_zero(r), -_sin_near_zero(r), -_cos_near_zero(r))[n % 4]


def cos(x: float) -> float:
    """cos x, the same bits on every machine (|x| up to about 8e5)."""
    n, r = _reduced(x)
    return (_cos_near_zero(r), -_sin_near_zero(r), -_cos_near_zero(r), _sin_near_zero(r))[n % 4]


def log(x: float) -> float:
    """The natural logarithm of x > 0, the same bits on every machine."""
    if not x > 0 or x == math.inf:
        raise ValueError(f"portable log takes a finite x > 0, got {x!r}")
    m, k = math.frexp(x)  # x = m * 2^k exactly, 0.5 <= m < 1
    if m < _SQRT_HALF:  # so that 1 + f is in [sqrt(1/2), sqrt(2))
        m, k = 2.0 * m, k - 1
    f = m - 1.0  # exact
    s = f / (2.0 + f)
    z = s * s
    w = z * z
    t1 = w * (_LG[1] + w * (_LG[3] + w * _LG[5]))
    t2 = z * (_LG[0] + w * (_LG[2] + w * (_LG[4] + w * _LG[6])))
    half_square = 0.5 * f * f
    return k * _LN2_HI - ((half_square - (s * (half_square + t1 + t2) + k * _LN2_LO)) - f)


def gauss(rng: random.Random, mu: float = 0.0, sigma: float = 1.0) -> float:
    """A normal draw with mean mu and standard deviation sigma: random.gauss's Box-Muller
    method, on the same uniform draws of `rng` (and its spare second value), with the sin,
    cos and log above."""
    z = rng.gauss_next
    rng.gauss_next = None
    if z is None:
        angle = rng.random() * math.tau
        radius = math.sqrt(-2.0 * log(1.0 - rng.random()))
        z = cos(angle) * radius
        rng.gauss_next = sin(angle) * radius
    return mu + z * sigma
