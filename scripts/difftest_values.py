"""The values of scripts/difftest_generate.py's kernels: element types,
their unit roundoff, and a value's bounds (how large a float may be, and how
far the GPU's may be from the CPU evaluator's)."""

# Unit roundoff of each float type.
EPSILON = {"f16": 2.0 ** -11, "bf16": 2.0 ** -8, "f32": 2.0 ** -24,
           "f64": 2.0 ** -53}
INTEGER_BITS = {"i8": 8, "i16": 16, "i32": 32, "i64": 64}
# Buffers ln-run can fill; i8 and i16 appear in registers only.
MEMORY_TYPES = ["i32", "i64", "f16", "bf16", "f32", "f64"]
CMPI = ["eq", "ne", "slt", "sle", "sgt", "sge", "ult", "ule", "ugt", "uge"]
CMPF = ["false", "oeq", "ogt", "oge", "olt", "ole", "one", "ord", "ueq",
        "ugt", "uge", "ult", "ule", "une", "uno", "true"]
# What a written element cannot be mistaken for: outputs start as this.
POISON = -12345


def is_float(t):
    return t in EPSILON


class Val:
    """A block (or scalar) SSA value, with the bounds floats need."""

    def __init__(self, name, type, shape, magnitude=0.0, error=0.0):
        self.name, self.type, self.shape = name, type, shape
        self.magnitude, self.error = magnitude, error

    @property
    def mlir_type(self):
        if not self.shape:
            return self.type
        return "tensor<%s%s>" % ("".join("%dx" % s for s in self.shape),
                                 self.type)


def combined_bounds(value, combiner, count):
    """The (magnitude, error) of combining `count` values bounded like
    `value` with arith.`combiner`, in any order; None if they overflow.
    Only a sum grows: each of its count - 1 roundings adds at most an
    epsilon of the partial sum, and the inputs' own errors add up."""
    magnitude, error = value.magnitude, value.error
    if combiner == "addf":
        magnitude *= count
        error = count * error + 2 * count * EPSILON[value.type] * magnitude
        if error == float("inf") or error != error:
            return None
    return magnitude, error
