"""The words people type for hardware, quantization and context length, turned into values.

The agent's tools take the user's own words ("two 3090s", "a 20 GB card", "4-bit", "16k")
because a small model copies text far more reliably than it converts it; the conversion
happens here, deterministically, so the CLI, the agent, the TUI and the evals agree on what
"16 GB" means. Each vocabulary lives once, next to the function that reads it.

Rules for text that could be read two ways (tested in tests/tools/test_phrasing.py):

- Hardware text is split into parts at ",", ";", "+", "&", "/", "and", "with", "plus".
  Inside a part a size followed (or preceded) by a RAM word ("RAM", "DDR5", "system memory")
  is system RAM; by a GPU word ("VRAM", "card", "GPU", "video memory") it is GPU memory.
- A bare size ("16GB") next to a GPU or system name is that device's memory tier
  ("M4 Max 64GB", "3060 12gb"). A bare size in its own part is read with the whole text:
  with a named discrete card it is RAM unless it equals the card's memory ("4090, 64GB");
  with a named Apple/unified system it is the tier; otherwise it is GPU memory when the text
  has a GPU word ("card with 10 GB"), RAM when it has a machine word or says CPU-only
  ("laptop with 16GB", "no GPU, 32GB"), and GPU memory when it stands alone ("16GB", "8GB").
- Counts: "2x4090", "2 x RTX 3090", "4 H100s", "two/dual/twin/a pair of 3090s", "3090 x2".
  The same card named twice adds up; two different cards are an error (HardwareSpec holds one).
- "CPU only", "no GPU", "no graphics card", "without a GPU", "integrated graphics" mean CPU-only.
- A text that is exactly a catalog name or alias is that device, first: the catalog lists
  "cpu only" and "ddr5" as aliases of its DDR5 desktop, so a bare "CPU only" is that platform,
  while "CPU only, 32 GB RAM" or "no GPU" is HardwareSpec(cpu_only=True, ...).
- Text that names no hardware ("my machine", "this laptop", "my GPU", "", None) gives an empty
  HardwareSpec, and the caller falls back to the saved or detected profile. A leftover word with
  no digit that matches no device ("my trusty rig") counts as naming nothing; a leftover with a
  digit ("RTX 9090") is an unknown name and an error with the closest catalog names, unless it
  comes with a size ("Voodoo 9000 12 GB" is a 12 GB GPU).
- Sizes are the binary units vendors mean: GB = GiB (a "24 GB" card), 1 TB = 1024 GB,
  1024 MB = 1 GB. Memory must be above 0 and at most tools.requests.MAX_MEMORY_GB.
- Context: 1k = 1024 tokens and 1M = 1024k = 1,048,576 tokens (the powers of two model cards use:
  "128K" = 131072), so "200k" is 204,800; the words "thousand"/"million" stay decimal ("8 thousand"
  is 8000). Commas group thousands ("32,768"). A text with no number, or two, is an error.
- Quant: "N-bit"/"intN"/"QN" pick the usual GGUF label of that width (Q4_K_M, Q8_0, Q5_K_M,
  Q6_K, Q3_K_M, Q2_K, F16, F32); "half precision"/"fp16" is F16; "bf16" is BF16 when the
  catalog lists it, else F16; exact labels and the catalog's aliases map to themselves.
- Speed: a decode speed in tokens per second ("30 tok/s", "20 t/s", "at least 20 tokens per
  second", "25+ tps"); a bare number is tokens per second, "per minute" is divided by 60, and a
  range ("20-30 tok/s") means its lower end, the least the person accepts. Any other unit or word
  ("30 fps", "fast", "30 tok/s at 32k") is an error, as is a text with no number, or two.
- Use (whether the model must allow commercial use): words of selling, a business or a product
  ("commercial", "for my startup", "a SaaS", "clients", "at work") mean commercial; "personal",
  "hobby", "research", "non-commercial" or a negated "not commercial" mean any license will do.
  A text with neither is an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pydantic import ValidationError

from knowledge.schema import Catalog, Hardware
from tools.errors import InvalidRequest, UnknownName
from tools.requests import MAX_CONTEXT, MAX_MEMORY_GB, HardwareSpec
from tools.resolve import normalize, resolve_hardware, resolve_quant

# --- hardware vocabulary -------------------------------------------------------------------

# Where one piece of hardware text ends and the next begins. A "+" right after "max" belongs
# to "Ryzen AI Max+ 395", so it does not split.
_SPLIT = re.compile(r"\s*(?:,|;|&|/|(?<!max)\+|\b(?:and|with|plus|w/)\b)\s*", re.IGNORECASE)

# GB per unit: card and RAM sizes are sold in binary units, so GB and GiB are the same number.
_UNIT_GB = {"tb": 1024.0, "tib": 1024.0, "gb": 1.0, "gib": 1.0, "g": 1.0, "gig": 1.0, "gigs": 1.0,
            "gigabyte": 1.0, "gigabytes": 1.0, "gbs": 1.0, "mb": 1 / 1024, "mib": 1 / 1024}
_RAM_WORDS = r"(?:system\s+(?:ram|memory)|ram|ddr\d(?:[-\s]?\d{4})?|dram|memory\s+\(ram\))"
_VRAM_WORDS = (r"(?:vram|video\s+(?:ram|memory)|gpu\s+(?:ram|memory)|graphics\s+(?:card|memory)|"
               r"video\s+card|gpus?|cards?|graphics)")
_ROLE_WORDS = _RAM_WORDS + "|" + _VRAM_WORDS
_UNITS = "|".join(sorted(_UNIT_GB, key=len, reverse=True))
# A number with a unit, and the role word said before ("VRAM: 12GB") or after ("12 gigs of VRAM") it.
_SIZE = re.compile(
    r"(?P<pre>\b(?P<pre_role>" + _ROLE_WORDS + r")\s*[:=]?\s*(?:of\s+)?)?"
    r"(?<![\w.])(?P<num>[-\u2212]?\d+(?:\.\d+)?)\s*(?P<unit>" + _UNITS + r")\b"
    r"(?P<post>\s*(?:of\s+)?(?:(?:dedicated|shared|unified)\s+)?(?P<post_role>" + _ROLE_WORDS + r")\b)?",
    re.IGNORECASE)
_RAM_ROLE = re.compile(r"^" + _RAM_WORDS + r"$", re.IGNORECASE)

_CPU_ONLY = re.compile(
    r"\b(?:cpu[\s-]*only|only\s+(?:an?\s+|the\s+)?cpu|cpu\s+inference|"
    r"(?:no\s+|without\s+(?:an?\s+)?|lacks?\s+(?:an?\s+)?)(?:dedicated\s+|discrete\s+|nvidia\s+|amd\s+)?"
    r"(?:gpus?|graphics(?:\s+cards?)?|video\s+cards?|cards?)|integrated\s+graphics|igpu)\b",
    re.IGNORECASE)

_WORD_COUNTS = {"one": 1, "single": 1, "two": 2, "dual": 2, "twin": 2, "pair of": 2, "a pair of": 2,
                "couple of": 2, "a couple of": 2, "double": 2, "three": 3, "triple": 3, "four": 4,
                "quad": 4, "five": 5, "six": 6, "seven": 7, "eight": 8}
_COUNT_WORD = re.compile(r"\b(?P<word>" + "|".join(sorted(_WORD_COUNTS, key=len, reverse=True)) + r")\b\s*(?:x\s+)?",
                         re.IGNORECASE)
_COUNT_TIMES = re.compile(r"(?:^|(?<=\s))(?P<n>\d{1,2})\s*[x×*](?=\s|\d|$)\s*", re.IGNORECASE)  # "2x4090", "2 x"
_COUNT_LEADING = re.compile(r"(?:^|(?<=\s))(?P<n>\d{1,2})\s+(?=[a-z0-9])", re.IGNORECASE)  # "4 H100s"
_COUNT_TRAILING = re.compile(r"\s*[x×]\s*(?P<n>\d{1,2})\s*$", re.IGNORECASE)
_PLURAL = re.compile(r"(?<=\d)'?s\b", re.IGNORECASE)  # "3090s", "H100's"

# Words that carry no device identity. A part made only of these names no hardware.
_FILLER = {
    "i", "im", "i'm", "ive", "i've", "have", "has", "had", "got", "own", "use", "using", "run", "running",
    "on", "in", "my", "our", "this", "that", "these", "the", "a", "an", "of", "it", "its", "some", "just",
    "only", "old", "new", "current", "gaming", "work", "home", "trusty", "cheap", "used", "basic", "big",
    "small", "single", "one", "gpu", "gpus", "card", "cards", "graphics", "video", "vram", "memory",
    "ram", "dedicated", "discrete", "unified", "system", "hardware", "setup", "spec", "specs", "here",
    "installed", "total", "about", "around", "roughly", "~", "-", "x", "me", "for",
}
# Words that say what kind of machine, not which chip; stripped before a second try at the name.
_MACHINE = {"laptop", "laptops", "notebook", "pc", "desktop", "computer", "machine", "rig", "box",
            "tower", "workstation", "server", "build", "macbook", "mac", "air", "mini", "studio", "imac"}
_VENDORS = {"nvidia", "geforce", "amd", "radeon", "intel", "apple", "arc"}
_GPU_WORD = re.compile(r"\b(?:gpus?|cards?|vram|graphics|video)\b", re.IGNORECASE)
_MACHINE_WORD = re.compile(r"\b(?:" + "|".join(sorted(_MACHINE - {"air", "mini", "studio"})) + r")\b", re.IGNORECASE)
_LAPTOP_WORD = re.compile(r"\b(?:laptop|notebook|mobile)\b", re.IGNORECASE)
_APPLE_CHIP = re.compile(r"^m[1-9]\b", re.IGNORECASE)


@dataclass
class _Size:
    gb: float
    role: str | None  # "ram", "vram" or None for a bare size
    said: str


@dataclass
class _Part:
    text: str
    name: str = ""
    count: int | None = None
    sizes: list[_Size] = field(default_factory=list)


@dataclass
class _Device:
    hardware: Hardware
    name: str  # catalog name, with the memory tier appended when it is not the default
    memory_gb: float
    count: int


# What a model writes into an optional argument when the user gave no value: the same as leaving it out.
_NO_VALUE = {"none", "null", "nil", "n/a", "na", "unknown", "unspecified", "not specified", "not given", "default",
             "any", "auto", "-", "?", "tbd"}


def said_nothing(text: str | int | None) -> bool:
    """True when an argument holds no value: missing, blank, or a placeholder such as "none" or "default"."""
    return text is None or (isinstance(text, str) and text.strip().strip(".'\"").lower() in {"", *_NO_VALUE})


def parse_hardware(text: str | None, catalog: Catalog) -> HardwareSpec:
    """A HardwareSpec from the user's words; empty when they name no hardware.

    Raises InvalidRequest or UnknownName (tools.errors) with a message for the person when the
    words describe impossible or unknown hardware. The reading rules are in the module docstring.
    """
    if text is None or said_nothing(text):
        return HardwareSpec()
    whole = _exact_device(text, catalog)
    if whole is not None:
        return _spec(gpu=whole.name)
    cpu_only = bool(_CPU_ONLY.search(text))
    parts = [_read_part(p) for p in _SPLIT.split(_CPU_ONLY.sub(" ", text)) if p and p.strip()]

    devices: list[_Device] = []
    vram: list[_Size] = []
    ram: list[_Size] = []
    bare: list[_Size] = []
    counts: list[int] = []
    laptop = bool(_LAPTOP_WORD.search(text))
    for part in parts:
        tier = [s for s in part.sizes if s.role != "ram"]
        ram += [s for s in part.sizes if s.role == "ram"]
        device = _device(part, tier[0] if len(tier) == 1 else None, catalog, laptop) if part.name else None
        if device is not None:
            devices.append(device)
            vram += [s for s in tier[1:] if s.role == "vram"]
            bare += [s for s in tier[1:] if s.role is None]
        elif part.name and tier and _has_digit(part.name):
            vram.append(_Size(tier[0].gb, "vram", tier[0].said))  # an unknown card of a known size
            vram += [s for s in tier[1:] if s.role == "vram"]
            bare += [s for s in tier[1:] if s.role is None]
            if part.count:
                counts.append(part.count)
        else:
            vram += [s for s in tier if s.role == "vram"]
            bare += [s for s in tier if s.role is None]
            if part.count:
                counts.append(part.count)

    device = _one_device(devices)
    if device is not None:
        counts.append(device.count)
        kind = device.hardware.kind
        for size in vram + bare + (ram if kind == "unified" else []):
            if size.gb == device.memory_gb:
                continue
            if kind == "unified" or (kind == "discrete" and size.role == "vram"):
                device = _with_tier(device, size)  # Apple "M4 Max, 64GB RAM" is the 64 GB model
            else:
                ram.append(_Size(size.gb, "ram", size.said))  # "4090, 64GB": the rest of the machine
        vram = []
        if kind == "unified":
            ram = []
    else:
        # A bare size with no device: GPU memory if a GPU word is in the text or nothing says
        # otherwise ("16GB"); RAM when the text says CPU-only or names a machine ("laptop with 16GB").
        as_ram = (cpu_only or bool(_MACHINE_WORD.search(text))) and not (_GPU_WORD.search(text) and not cpu_only)
        (ram if as_ram else vram).extend(bare)

    vram_gb = _single("GPU memory", vram)
    ram_gb = _single("RAM", ram)
    gpus = _single_count(counts)
    if device is not None and device.hardware.kind == "cpu":
        cpu_only = False  # a CPU platform from the catalog already says CPU-only
    if cpu_only and (device or vram_gb):
        raise InvalidRequest("the text says both CPU-only (no GPU) and names a GPU; say one or the other.")
    return _spec(gpu=device and device.name, vram_gb=vram_gb, ram_gb=ram_gb, gpus=gpus, cpu_only=cpu_only)


def _spec(**values: object) -> HardwareSpec:
    values = {k: v for k, v in values.items() if v is not None and v is not False}
    try:
        return HardwareSpec(**values)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise InvalidRequest("; ".join(e["msg"].removeprefix("Value error, ") for e in exc.errors())) from None


def _exact_device(text: str, catalog: Catalog) -> _Device | None:
    """The device whose name or alias is the whole text ("Desktop CPU, dual-channel DDR4-3200")."""
    key = normalize(text)
    for hw in catalog.hardware:
        if key in {normalize(n) for n in (hw.id, hw.name, *hw.aliases)}:
            return _Device(hw, hw.name, hw.memory_gb, 1)
    return None


def _read_part(text: str) -> _Part:
    """Sizes (with their role), a count and the leftover name words of one part."""
    part = _Part(text.strip())
    for match in _SIZE.finditer(text):
        role_word = match.group("post_role") or match.group("pre_role")
        role = None if role_word is None else ("ram" if _RAM_ROLE.match(role_word) else "vram")
        part.sizes.append(_Size(_gigabytes(match.group("num"), match.group("unit"), match.group(0).strip()), role,
                                match.group(0).strip()))
    rest = _PLURAL.sub("", _SIZE.sub(" ", text))
    for pattern in (_COUNT_WORD, _COUNT_TRAILING, _COUNT_TIMES, _COUNT_LEADING):
        found = pattern.search(rest)
        if found:
            part.count = _WORD_COUNTS[found.group("word").lower()] if pattern is _COUNT_WORD else int(found.group("n"))
            rest = rest[:found.start()] + " " + rest[found.end():]
            break
    words = [w for w in re.split(r"\s+", rest.strip()) if w and w.lower().strip("().!?'\"") not in _FILLER]
    part.name = " ".join(words)
    return part


def _gigabytes(number: str, unit: str, said: str) -> float:
    value = float(number.replace("\u2212", "-")) * _UNIT_GB[unit.lower()]
    if value <= 0:
        raise InvalidRequest(f"memory must be positive, but the text says '{said}'.")
    if value > MAX_MEMORY_GB:
        raise InvalidRequest(f"'{said}' is more than the largest memory size accepted, {MAX_MEMORY_GB:g} GB.")
    return round(value, 3)


def _device(part: _Part, size: _Size | None, catalog: Catalog, laptop: bool) -> _Device | None:
    """The catalog device a part names, or None when its words name nothing.

    UnknownName propagates when the words look like a model number (they hold a digit) and no
    size came with them, or when a known device is given a memory size it is not sold with.
    """
    words = part.name.split()
    no_machine = [w for w in words if w.lower() not in _MACHINE]
    if not no_machine or all(w.lower() in _VENDORS for w in no_machine):
        return None
    attempts = [" ".join(words), " ".join(no_machine)]
    if _APPLE_CHIP.match(attempts[-1]):
        attempts.append("apple " + attempts[-1])
    suffix = f" {size.gb:g}GB" if size else ""
    first_miss: UnknownName | None = None
    for attempt in dict.fromkeys(attempts):
        try:
            choice = resolve_hardware(attempt + suffix, catalog)
        except UnknownName as miss:
            if miss.kind.startswith("memory size"):
                raise
            first_miss = first_miss or miss
            continue
        hw, memory = choice.hardware, choice.memory_gb
        variant = _laptop_variant(hw, catalog) if laptop and size is None else None
        if variant is not None:
            hw, memory = variant, variant.memory_gb
        name = hw.name if memory == hw.memory_gb else f"{hw.name} {memory:g}GB"
        return _Device(hw, name, memory, part.count or 1)
    if size is None and _has_digit(part.name) and first_miss is not None:
        raise UnknownName(first_miss.kind, part.name, first_miss.suggestions)
    return None


def _with_tier(device: _Device, size: _Size) -> _Device:
    """The same device with another memory size, if it is sold with that size."""
    hw = device.hardware
    if size.gb == hw.memory_gb:
        return _Device(hw, hw.name, hw.memory_gb, device.count)
    if size.gb in hw.memory_options_gb:
        return _Device(hw, f"{hw.name} {size.gb:g}GB", size.gb, device.count)
    sizes = sorted({hw.memory_gb, *hw.memory_options_gb})
    raise UnknownName(f"memory size for {hw.name}", f"{size.gb:g} GB", [f"{s:g} GB" for s in sizes])


def _laptop_variant(hw: Hardware, catalog: Catalog) -> Hardware | None:
    """"laptop with a 4090" is the RTX 4090 Laptop GPU, a different chip, when the catalog has it."""
    if hw.kind != "discrete" or hw.segment != "consumer":
        return None
    for other in catalog.hardware:
        if other.segment == "laptop" and normalize(other.name) == normalize(hw.name) + "laptopgpu":
            return other
    return None


def _one_device(devices: list[_Device]) -> _Device | None:
    if not devices:
        return None
    names = {d.name for d in devices}
    if len(names) > 1:
        raise InvalidRequest(
            f"mixed GPUs ({' and '.join(sorted(names))}) are not supported; describe one kind of card, "
            "e.g. '2x RTX 3090'.")
    first = devices[0]
    return _Device(first.hardware, first.name, first.memory_gb, sum(d.count for d in devices))


def _single(what: str, sizes: list[_Size]) -> float | None:
    values = sorted({s.gb for s in sizes})
    if len(values) > 1:
        raise InvalidRequest(f"two different {what} sizes given ({', '.join(f'{v:g} GB' for v in values)}); give one.")
    return values[0] if values else None


def _single_count(counts: list[int]) -> int | None:
    if any(n < 1 for n in counts):
        raise InvalidRequest("the number of GPUs must be at least 1.")
    total = sum(counts)
    return total if counts and total != 1 else None


def _has_digit(text: str) -> bool:
    return any(ch.isdigit() for ch in text)


# --- quantization vocabulary ---------------------------------------------------------------

# The GGUF label people mean by a bit width: the K-quant "medium" mix where one exists, since
# that is what model pages and llama.cpp's docs recommend by default.
_BITS_TO_LABEL = {2: "Q2_K", 3: "Q3_K_M", 4: "Q4_K_M", 5: "Q5_K_M", 6: "Q6_K", 8: "Q8_0", 16: "F16", 32: "F32"}
QUANT_WORDS = {
    "half precision": "F16", "half": "F16", "fp16": "F16", "f16": "F16", "float16": "F16",
    "full precision": "F32", "fp32": "F32", "f32": "F32", "float32": "F32",
    "bf16": "BF16", "bfloat16": "BF16", "brain float": "BF16",
}
_QUANT_FILLER = re.compile(r"\b(?:quantized|quantised|quantization|quantisation|quants?|gguf|weights?|"
                           r"at|in|to|a|the|model|version|file)\b", re.IGNORECASE)
_BITS = re.compile(r"^(?:(?P<n>\d+(?:\.\d+)?)\s*-?\s*(?:bits?|bpw|b)|int\s*-?\s*(?P<i>\d+)|q\s*(?P<q>\d+))$",
                   re.IGNORECASE)


def parse_quant(text: str | None, catalog: Catalog) -> str | None:
    """The catalog's GGUF label for a quant as people write it; None when nothing was said."""
    if text is None or said_nothing(text):
        return None
    said = text.strip()
    phrase = re.sub(r"\s+", " ", said.lower())
    if phrase in QUANT_WORDS:
        return _label(QUANT_WORDS[phrase], catalog)
    phrase = re.sub(r"\s+", " ", _QUANT_FILLER.sub(" ", phrase)).strip() or phrase
    if phrase in QUANT_WORDS:
        return _label(QUANT_WORDS[phrase], catalog)
    bits = _BITS.match(phrase)
    if bits:
        number = float(bits.group("n") or bits.group("i") or bits.group("q"))
        if number.is_integer() and int(number) in _BITS_TO_LABEL:
            return _label(_BITS_TO_LABEL[int(number)], catalog)
        if bits.group("q") is None:
            raise UnknownName("quant", said, _nearest_by_bits(number, catalog))
    try:
        return resolve_quant(phrase, catalog).id
    except UnknownName as miss:
        raise UnknownName("quant", said, miss.suggestions) from None


def _label(label: str, catalog: Catalog) -> str:
    ids = {q.id for q in catalog.quants}
    if label in ids:
        return label
    if label == "BF16" and "F16" in ids:
        return "F16"  # same size and nearly the same numbers; llama.cpp runs either
    raise UnknownName("quant", label, sorted(ids)[:5])


def _nearest_by_bits(bits: float, catalog: Catalog) -> list[str]:
    """Labels whose effective bits per weight come closest to a width nobody ships ("3.7 bit")."""
    ranked = sorted(catalog.quants, key=lambda q: abs(q.bits_per_weight - bits))
    return [q.id for q in ranked[:5]]


# --- context-length vocabulary -------------------------------------------------------------

# "k"/"M" follow model cards, where "128K" is 131072 tokens; spelled-out words stay decimal.
_CONTEXT_SCALE = {"": 1, "k": 1024, "m": 1024 * 1024, "thousand": 1000, "million": 1_000_000}
_CONTEXT = re.compile(
    r"(?<![\w.])(?P<num>[-\u2212]?\d{1,3}(?:,\d{3})+|[-\u2212]?\d+(?:\.\d+)?)"
    r"\s*(?P<scale>k|thousand|m|million)?(?![\w.])",
    re.IGNORECASE)
_CONTEXT_WORDS = re.compile(
    r"\b(?:tokens?|toks?|ctx|context|window|length|len|size|of|a|an|about|around|roughly|max|maximum|up|to|"
    r"at|least|the|long|with|n_ctx|num_ctx)\b|[~:=()-]", re.IGNORECASE)


def parse_context(text: str | int | None) -> int | None:
    """Tokens for a context length as people write it ("16k", "32,768 tokens", "1M"); None if unsaid."""
    if said_nothing(text):
        return None
    if isinstance(text, bool):
        raise InvalidRequest("context length must be a number of tokens, e.g. '16k' or 32768.")
    if isinstance(text, (int, float)):
        if float(text) != int(text):
            raise InvalidRequest(f"context length must be a whole number of tokens, not {text}.")
        return _tokens(int(text), str(text))
    numbers = list(_CONTEXT.finditer(text))
    leftover = _CONTEXT_WORDS.sub(" ", _CONTEXT.sub(" ", text)).strip()
    if len(numbers) != 1 or leftover:
        raise InvalidRequest(f"'{text}' is not a context length; give tokens, e.g. '16k', '32768' or '128K tokens'.")
    match = numbers[0]
    value = float(match.group("num").replace(",", "").replace("\u2212", "-")) * _CONTEXT_SCALE[
        (match.group("scale") or "").lower()]
    if not value.is_integer():
        raise InvalidRequest(f"'{text}' is not a whole number of tokens.")
    return _tokens(int(value), text)


def _tokens(value: int, said: str) -> int:
    if value <= 0:
        raise InvalidRequest(f"context length must be positive, but the text says '{said}'.")
    if value > MAX_CONTEXT:
        raise InvalidRequest(f"'{said}' is longer than the largest context accepted, {MAX_CONTEXT:,} tokens.")
    return value


# --- decode-speed vocabulary ---------------------------------------------------------------

MAX_SPEED_TPS = 10_000.0  # tokens/s; the bound of tools.plan.PlanRequest.target_tps, far above any device
_SPEED_UNIT = re.compile(
    r"(?<![a-z])(?:tokens?|toks?|tk|t)\s*(?:/\s*|\s+per\s+|\s+an?\s+|\s+each\s+)(?P<per>s|secs?|seconds?|mins?|minutes?)\b"
    r"|(?<![a-z])tps\b", re.IGNORECASE)  # "30tok/s" has no word boundary before "tok"
_SPEED_NUMBER = re.compile(
    r"(?<![\w.])(?P<num>[-\u2212]?\d+(?:\.\d+)?)(?:\s*(?:-|\u2013|to)\s*(?P<high>\d+(?:\.\d+)?))?", re.IGNORECASE)
_SPEED_WORDS = re.compile(
    r"\b(?:at|least|about|around|roughly|approximately|approx|min|minimum|of|over|above|more|than|or|faster|"
    r"speed|decode|decoding|generation|output|a|an|the|target|want|wanted|needed|something|like)\b|[~>=\u2265+:()]",
    re.IGNORECASE)


def parse_speed(text: str | float | None) -> float | None:
    """Tokens per second for a decode speed as people write it ("30 tok/s"); None if unsaid."""
    if said_nothing(text):
        return None
    if isinstance(text, bool):
        raise InvalidRequest("speed must be a number of tokens per second, e.g. '30 tok/s'.")
    if isinstance(text, (int, float)):
        return _speed(float(text), str(text))
    units = list(_SPEED_UNIT.finditer(text))
    rest = _SPEED_UNIT.sub(" ", text)
    numbers = list(_SPEED_NUMBER.finditer(rest))
    leftover = _SPEED_WORDS.sub(" ", _SPEED_NUMBER.sub(" ", rest)).strip()
    if len(units) > 1 or len(numbers) != 1 or leftover:
        raise InvalidRequest(f"'{text}' is not a speed; give tokens per second, e.g. '30 tok/s'.")
    match = numbers[0]
    low = float(match.group("num").replace("\u2212", "-"))
    if match.group("high") is not None and float(match.group("high")) < low:
        raise InvalidRequest(f"'{text}' is not a speed range; give the lower figure first, e.g. '20-30 tok/s'.")
    per = units[0].group("per") if units else None
    return _speed(low / 60 if per and per.lower().startswith("m") else low, text)


def _speed(value: float, said: str) -> float:
    if value <= 0:
        raise InvalidRequest(f"speed must be positive, but the text says '{said}'.")
    if value > MAX_SPEED_TPS:
        raise InvalidRequest(f"'{said}' is faster than the largest speed accepted, {MAX_SPEED_TPS:,.0f} tok/s.")
    return round(value, 3)


# --- use vocabulary (the license a recommendation needs) ------------------------------------

_NOT_COMMERCIAL = re.compile(
    r"\b(?:non[\s-]?commercial|not\s+(?:for\s+)?commercial(?:ly)?|personal|hobby|hobbyist|private|research|"
    r"academic|for\s+fun|just\s+for\s+me|learning|home\s+use|tinkering)\b", re.IGNORECASE)
_COMMERCIAL = re.compile(
    r"\b(?:commercial(?:ly)?|business(?:es)?|compan(?:y|ies)|startup|saas|products?|production|clients?|customers?|"
    r"sell(?:ing)?|resell|monetis\w*|monetiz\w*|enterprise|for\s+profit|revenue|paid\s+(?:app|service|tool)|"
    r"at\s+work|my\s+job|employer|corporate|in\s+prod)\b", re.IGNORECASE)


def parse_use(text: str | None) -> str | None:
    """"commercial" when the words say the model will be used commercially, "any" when they say it
    will not, None when nothing was said. The rule is in the module docstring."""
    if text is None or said_nothing(text):
        return None
    if text.strip().lower() in ("commercial", "any"):
        return text.strip().lower()  # the values themselves, as the CLI and older callers pass them
    if _NOT_COMMERCIAL.search(text):
        return "any"
    if _COMMERCIAL.search(text):
        return "commercial"
    raise InvalidRequest(f"'{text}' does not say how the model will be used; say e.g. 'commercial use' or "
                         "'personal project'.")
