"""RandomString component: a random secret generated once and kept in Pulumi state (Heat OS::Heat::RandomString).

Backed by `random.RandomPassword` (pulumi-random): the value is a Pulumi secret, stays the same on every
update and is generated anew only when `length`, the character rules or `salt` change (Heat's semantics,
where changing `salt` regenerates the string).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_random as random

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
class RandomStringArgs:
    """Heat's properties: `classes` and `sequences` are (class name or characters, minimum count) pairs."""

    length: int = 32
    classes: list[tuple[str, int]] = field(default_factory=lambda: [("lettersdigits", 1)])
    sequences: list[tuple[str, int]] = field(default_factory=list)
    salt: str | None = None


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
    rules = len(args.classes) + len(args.sequences)
    special_minimums = 0
    for name, minimum in args.classes:
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
    for sequence, minimum in args.sequences:
        if not sequence:
            raise StackError("a character sequence must not be empty", field="character_sequences")
        extra += sequence
        if rules > 1 and minimum:
            mins["min_special"] += minimum
            special_minimums += 1
    if special_minimums > 1:
        raise StackError("minimums on more than one of hexdigits/octdigits/character_sequences cannot be "
                         "guaranteed separately by random.RandomPassword", field="character_sequences")
    if sum(m for _, m in [*args.classes, *args.sequences]) > args.length:
        raise StackError(f"the minimums add up to more than length {args.length}", field="length")
    covered = (("abcdefghijklmnopqrstuvwxyz" if lower else "") + ("ABCDEFGHIJKLMNOPQRSTUVWXYZ" if upper else "")
               + ("0123456789" if numeric else ""))
    special = "".join(dict.fromkeys(c for c in extra if c not in covered))  # ordered, no repeats
    if not (lower or upper or numeric or special):
        raise StackError("no characters to draw from", field="character_classes")
    return {"length": args.length, "lower": lower, "upper": upper, "numeric": numeric,
            "special": bool(special), "override_special": special or None, **mins,
            "keepers": {"salt": args.salt} if args.salt is not None else None}


class RandomString(pulumi.ComponentResource):
    """A random string; `value` is a secret Output."""

    password: random.RandomPassword
    value: pulumi.Output[str]

    def __init__(self, name: str, args: RandomStringArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TOKEN, name, {}, opts)
        try:
            inputs = password_inputs(args)
        except StackError as exc:
            raise StackError(exc.message, resource=name, field=exc.field) from None
        self.password = random.RandomPassword(name, **inputs, opts=pulumi.ResourceOptions(parent=self))
        self.value = pulumi.Output.secret(self.password.result)
        self.register_outputs({"value": self.value})
