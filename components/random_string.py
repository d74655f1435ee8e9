"""RandomString component: a random secret generated once and kept in Pulumi state (Heat OS::Heat::RandomString).

Backed by `random.RandomPassword` (pulumi-random): the value is a Pulumi secret, stays the same on every
update and is generated anew only when `length`, the character rules or `salt` change (Heat's semantics,
where changing `salt` regenerates the string).
"""

from dataclasses import dataclass, field

import pulumi
import pulumi_random as random

from components.args import coerce
from components.errors import StackError

TOKEN = "openstack-stacks:index:RandomString"

# Heat's character classes -> (lower, upper, numeric, extra characters)
CLASSES: dict[str, tuple[bool, bool, bool, str]] = {
    "lettersdigits": (True, True, True, ""),
    "letters": (True, True, False, ""),
    "lowercase": (True, False, False, ""),
    "uppercase": (False, True, False, ""),
    "digits": (False, False, True, ""),
    "hexdigits": (False, False, True, "abcdefABCDEF"),
    "octdigits": (False, False, False, "01234567"),
}


@dataclass
class CharacterClassArgs:
    """Heat's character_classes entry: a class name and the minimum count of its characters."""

    name: str
    """lettersdigits, letters, lowercase, uppercase, digits, hexdigits or octdigits."""
    min: int | None = 1


@dataclass
class CharacterSequenceArgs:
    """Heat's character_sequences entry: characters to draw from and the minimum count of them."""

    sequence: str
    min: int | None = 1


@dataclass
class RandomStringArgs:
    """Heat's properties. Python callers may give `classes` and `sequences` as (name or characters, minimum)."""

    length: int | None = 32
    classes: list[CharacterClassArgs] | None = field(default_factory=lambda: [CharacterClassArgs("lettersdigits")])
    sequences: list[CharacterSequenceArgs] | None = field(default_factory=list)
    salt: str | None = None
    """Changing the salt makes a new value (a keeper)."""


def _pairs(entries: list | None, cls: type) -> list[tuple[str, int]]:
    """(characters or class name, minimum) pairs from args objects, dicts or pairs."""
    out = []
    for entry in entries or ():
        if isinstance(entry, (tuple, list)):
            out.append((str(entry[0]), int(entry[1])))
            continue
        entry = coerce(cls, entry)
        text = entry.name if isinstance(entry, CharacterClassArgs) else entry.sequence
        out.append((text, 1 if entry.min is None else int(entry.min)))
    return out


def password_inputs(args: RandomStringArgs) -> dict:
    """The random.RandomPassword inputs that draw from exactly the characters Heat would use.

    Every minimum is kept or made stricter in a way that still satisfies Heat's rule (a `letters` minimum
    becomes a lowercase minimum); what RandomPassword cannot express is refused.
    """
    if args.length < 1 or args.length > 512:
        raise StackError(f"length must be 1..512, got {args.length}", field="length")
    lower = upper = numeric = False
    extra = ""
    mins = {"min_lower": 0, "min_upper": 0, "min_numeric": 0, "min_special": 0}
    classes, sequences = _pairs(args.classes, CharacterClassArgs), _pairs(args.sequences, CharacterSequenceArgs)
    length = 32 if args.length is None else args.length
    rules = len(classes) + len(sequences)
    special_minimums = 0
    for name, minimum in classes:
        if name not in CLASSES:
            raise StackError(f"unknown character class {name!r} (known: {', '.join(CLASSES)})",
                             field="character_classes")
        lo, up, num, chars = CLASSES[name]
        lower, upper, numeric = lower or lo, upper or up, numeric or num
        extra += chars
        if rules > 1 and minimum:
            if name in ("lowercase", "letters", "lettersdigits"):
                mins["min_lower"] = max(mins["min_lower"], minimum)
            elif name == "uppercase":
                mins["min_upper"] = max(mins["min_upper"], minimum)
            elif name == "digits":
                mins["min_numeric"] = max(mins["min_numeric"], minimum)
            else:  # hexdigits / octdigits: drawn from the special set
                mins["min_special"] += minimum
                special_minimums += 1
    for sequence, minimum in sequences:
        if not sequence:
            raise StackError("a character sequence must not be empty", field="character_sequences")
        extra += sequence
        if rules > 1 and minimum:
            mins["min_special"] += minimum
            special_minimums += 1
    if special_minimums > 1:
        raise StackError("minimums on more than one of hexdigits/octdigits/character_sequences cannot be "
                         "guaranteed separately by random.RandomPassword", field="character_sequences")
    if sum(m for _, m in [*classes, *sequences]) > length:
        raise StackError(f"the minimums add up to more than length {length}", field="length")
    covered = (("abcdefghijklmnopqrstuvwxyz" if lower else "") + ("ABCDEFGHIJKLMNOPQRSTUVWXYZ" if upper else "")
               + ("0123456789" if numeric else ""))
    special = "".join(dict.fromkeys(c for c in extra if c not in covered))  # ordered, no repeats
    if not (lower or upper or numeric or special):
        raise StackError("no characters to draw from", field="character_classes")
    return {"length": length, "lower": lower, "upper": upper, "numeric": numeric,
            "special": bool(special), "override_special": special or None, **mins,
            "keepers": {"salt": args.salt} if args.salt is not None else None}


class RandomString(pulumi.ComponentResource):
    """A random string; `value` is a secret Output."""

    value: pulumi.Output[str]
    """The random string (a secret)."""

    def __init__(self, name: str, args: RandomStringArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TOKEN, name, {}, opts)
        args = coerce(RandomStringArgs, args)
        try:
            inputs = password_inputs(args)
        except StackError as exc:
            raise StackError(exc.message, resource=name, field=exc.field) from None
        self.password: random.RandomPassword = random.RandomPassword(
            name, **inputs, opts=pulumi.ResourceOptions(parent=self))
        self.value = pulumi.Output.secret(self.password.result)
        self.register_outputs({"value": self.value})
