"""What the accessibility tests share: axe-core, the npm package, run in a Playwright page.

axe-core comes from lab/node_modules (lab/package.json's devDependencies, installed by the Lab's
`npm ci`), injected into the page from the file: no network. Its rules at the WCAG 2.1 A and AA tags."""

from pathlib import Path

LAB = Path(__file__).resolve().parent.parent / "lab"
AXE = LAB / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")


def axe_violations(page, tags=WCAG_21_AA, context: str = "document") -> list[dict]:
    """axe's violations on the page as it is now: [{id, impact, help, nodes}] (the first few selectors)."""
    if not AXE.exists():
        from lab.build import npm_install

        npm_install()
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """([tags, context]) => axe.run(context === "document" ? document : document.querySelector(context),
             {runOnly: {type: "tag", values: tags}})
           .then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
             nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + ": " + n.failureSummary)})))""",
        [list(tags), context],
    )


# --- colour vision: how far apart two colours stay for a reader with a colour-vision deficiency ---

# Machado, Oliveira and Fernandes (2009), "A physiologically-based model for simulation of color vision
# deficiency", severity 1.0 (a dichromat: no L, M or S cones), on linear RGB.
MACHADO_2009 = {
    "protanopia": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216), (-0.003882, -0.048116, 1.051998)),
    "deuteranopia": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413), (-0.011820, 0.042940, 0.968881)),
    "tritanopia": ((1.255528, -0.076749, -0.178779), (-0.078411, 0.930809, 0.147602), (0.004733, 0.691367, 0.303900)),
}  # fmt: skip


def _linear(channel: float) -> float:  # sRGB 0..255 -> linear 0..1
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def simulate(rgb: tuple[int, int, int], deficiency: str) -> tuple[float, float, float]:
    """The colour (sRGB 0..255) as Machado 2009 says a dichromat sees it, as linear RGB (0..1, clipped)."""
    linear = [_linear(c) for c in rgb]
    return tuple(min(1.0, max(0.0, sum(m * c for m, c in zip(row, linear)))) for row in MACHADO_2009[deficiency])


def lab_of_linear(rgb: tuple[float, float, float]) -> tuple[float, float, float]:
    """CIE L*a*b* (D65) of a linear sRGB colour."""
    r, g, b = rgb
    xyz = (0.4124 * r + 0.3576 * g + 0.1805 * b, 0.2126 * r + 0.7152 * g + 0.0722 * b,
           0.0193 * r + 0.1192 * g + 0.9505 * b)  # fmt: skip
    f = [t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29
         for t in (xyz[0] / 0.95047, xyz[1], xyz[2] / 1.08883)]  # fmt: skip
    return 116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])


def delta_e_2000(lab1: tuple[float, float, float], lab2: tuple[float, float, float]) -> float:
    """CIEDE2000 colour difference (Sharma, Wu and Dalal 2005), kL = kC = kH = 1."""
    import math

    (L1, a1, b1), (L2, a2, b2) = lab1, lab2
    c_mean = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_mean**7 / (c_mean**7 + 25**7)))
    a1, a2 = a1 * (1 + g), a2 * (1 + g)
    c1, c2 = math.hypot(a1, b1), math.hypot(a2, b2)
    h1 = math.degrees(math.atan2(b1, a1)) % 360 if c1 else 0.0
    h2 = math.degrees(math.atan2(b2, a2)) % 360 if c2 else 0.0
    dL, dC = L2 - L1, c2 - c1
    dh = 0.0 if c1 * c2 == 0 else (h2 - h1 if abs(h2 - h1) <= 180 else h2 - h1 - 360 if h2 > h1 else h2 - h1 + 360)
    dH = 2 * math.sqrt(c1 * c2) * math.sin(math.radians(dh / 2))
    L_mean, C_mean = (L1 + L2) / 2, (c1 + c2) / 2
    if c1 * c2 == 0:
        h_mean = h1 + h2
    elif abs(h1 - h2) <= 180:
        h_mean = (h1 + h2) / 2
    else:
        h_mean = (h1 + h2 + 360) / 2 if h1 + h2 < 360 else (h1 + h2 - 360) / 2
    t = (1 - 0.17 * math.cos(math.radians(h_mean - 30)) + 0.24 * math.cos(math.radians(2 * h_mean))
         + 0.32 * math.cos(math.radians(3 * h_mean + 6)) - 0.20 * math.cos(math.radians(4 * h_mean - 63)))  # fmt: skip
    s_L = 1 + 0.015 * (L_mean - 50) ** 2 / math.sqrt(20 + (L_mean - 50) ** 2)
    s_C, s_H = 1 + 0.045 * C_mean, 1 + 0.015 * C_mean * t
    r_T = (-2 * math.sqrt(C_mean**7 / (C_mean**7 + 25**7))
           * math.sin(math.radians(60 * math.exp(-(((h_mean - 275) / 25) ** 2)))))  # fmt: skip
    return math.sqrt((dL / s_L) ** 2 + (dC / s_C) ** 2 + (dH / s_H) ** 2 + r_T * (dC / s_C) * (dH / s_H))


def contrast_ratio(rgb1: tuple[int, int, int], rgb2: tuple[int, int, int]) -> float:
    """WCAG 2.1's contrast ratio of two sRGB colours (0..255)."""
    lum = [0.2126 * _linear(r) + 0.7152 * _linear(g) + 0.0722 * _linear(b) for r, g, b in (rgb1, rgb2)]
    return (max(lum) + 0.05) / (min(lum) + 0.05)
