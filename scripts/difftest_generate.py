"""Random well-formed blk kernels, for scripts/difftest.py.

A kernel is generated from a seed, deterministically: a grid of programs,
each over one block shape (1-D, or a 2-D tile built with expand_dims and
broadcast), loading its inputs under a mask that keeps every enabled lane in
bounds and every disabled one past the buffer's end (and maybe a scalar
through a scalar pointer), computing a random
expression over every element type (wrapping integers, IEEE floats, casts,
every cmpi and cmpf predicate, selects, reductions broadcast back, scf.for
loops, some loading at offsets that move with the induction variable, some
storing each iteration (with every pointer argument blk.noalias in half
of the kernels, so that blk-prefetch-loads moves loads across the stores),
blocks parked in shared memory and read back later: blk.local_*, and, in
cluster kernels, reductions combined across the cluster's programs,
blk.cluster_reduce, in loops too),
storing its results under the mask, and exercising atomics on a word
of its own. Everything it computes is defined (divisors are made positive,
shift amounts smaller than the width), so the CPU evaluator's results are
the only right ones.

Floating-point results are exact on both sides (the kernels compile with
fp-contract=false) except through reductions, summed in another order on the
GPU: every float value carries a bound of its magnitude and of how far the
GPU's value may be from the CPU's, and each output buffer's tolerance is the
largest of its stored values'. Comparisons, divisions and conversions to
integers take exact operands only, so that no tolerance turns into a
different branch.
"""

import random

from difftest_sharing import SharingSteps
from difftest_values import (CMPF, CMPI, EPSILON, INTEGER_BITS, MEMORY_TYPES,
                             POISON, Val, combined_bounds, is_float)

class Kernel(SharingSteps):
    """One generated kernel: its text and how to run and compare it."""

    def __init__(self, seed):
        self.rng = random.Random(seed)
        # Draws for what loops load, apart, so that a seed's other choices
        # stay those of the generator before loops loaded.
        self.loop_rng = random.Random(seed * 7919 + 1)
        # Likewise for local blocks, and for cluster exchanges.
        self.local_rng = random.Random(seed * 104729 + 3)
        self.cluster_rng = random.Random(seed * 1299709 + 5)
        # And for loops that store, and whether the pointer arguments are
        # declared blk.noalias (true of every kernel here: each is a buffer
        # of its own), which lets blk-prefetch-loads move a loop's loads
        # across its stores.
        self.store_rng = random.Random(seed * 15485863 + 7)
        self.noalias = self.store_rng.random() < 0.5
        # And for the program's first element written as a rounding down
        # (start | (g - 1)) & -g, whose alignment AxisInfo must then read
        # from the rounding alone.
        self.rounding_rng = random.Random(seed * 32452843 + 11)
        self.parked = []
        self.lines, self.counter = [], 0
        self.parameters, self.arguments, self.tolerances = [], [], {}
        rng = self.rng
        # Powers of two, and sizes and warp counts that are not: the layout
        # then takes the largest power-of-two tile dividing the block.
        self.num_warps = rng.choice([1, 2, 4, 3, 6, 9])
        self.grid = rng.randint(1, 4)
        if rng.random() < 0.5:
            self.shape = [rng.choice([16, 32, 64, 128, 1, 3, 12, 24, 48, 72,
                                      100])]
        else:
            self.shape = [rng.choice([2, 4, 8, 1, 3, 6]),
                          rng.choice([8, 16, 32, 1, 3, 12, 24])]
        self.per_program = 1
        for size in self.shape:
            self.per_program *= size
        self.total = self.grid * self.per_program
        # Lanes past n are masked off, and the buffers end at n. n may be
        # declared a multiple of a power of two that divides it, and
        # pointers 4-, 8- or 16-byte aligned (cuMemAlloc's are 256), which
        # lets the lowering vectorize, and sets how many elements a thread
        # its layout takes (fewer than 16 bytes: as many as are aligned).
        self.n = rng.choice([rng.randint(1, self.total), self.total,
                             16 * rng.randint(1, max(1, self.total // 16)),
                             8 * rng.randint(1, max(1, self.total // 8)),
                             4 * rng.randint(1, max(1, self.total // 4))])
        self.n = min(self.n, self.total)
        self.divisible = []  # arguments declared divisible by 16
        self.divisibility = {}  # argument -> a smaller power of two
        self.pool = []
        # A third of the kernels run in clusters: a power of two dividing
        # the grid (1, a cluster of one program, included).
        self.cluster_size = 0
        if self.cluster_rng.random() < 1 / 3:
            self.cluster_size = self.cluster_rng.choice(
                [c for c in (1, 2, 4) if self.grid % c == 0])
        self.build()

    # Text -----------------------------------------------------------------

    def fresh(self):
        self.counter += 1
        return "%%v%d" % self.counter

    def emit(self, text, type, shape=None, magnitude=0.0, error=0.0):
        name = self.fresh()
        self.lines.append("  %s = %s" % (name, text))
        return Val(name, type, self.shape if shape is None else shape,
                   magnitude, error)

    def parameter(self, mlir_type, argument, rng=None):
        """A new kernel argument; its declared alignment drawn from `rng`
        (default: the kernel's own)."""
        rng = rng or self.rng
        index = len(self.parameters)
        pointer = mlir_type.startswith("!blk.ptr")
        if rng.random() < 0.5:
            known = 16 if pointer else min(16, self.n & -self.n)
            choices = [d for d in (4, 8, 16) if d <= known]
            declared = rng.choice(choices) if choices else 1
            if declared == 16:
                self.divisible.append(index)
            elif declared > 1:
                self.divisibility[index] = declared
        name = "%%arg%d" % len(self.parameters)
        self.parameters.append("%s: %s%s" % (
            name, mlir_type, " {blk.noalias}" if pointer and self.noalias
            else ""))
        self.arguments.append(argument)
        return name

    def constant(self, value, type, shape=None):
        shape = self.shape if shape is None else shape
        literal = repr(float(value)) if is_float(type) else str(int(value))
        probe = Val("", type, shape)
        if shape:
            return self.emit("arith.constant dense<%s> : %s"
                             % (literal, probe.mlir_type), type, shape,
                             abs(float(value)))
        return self.emit("arith.constant %s : %s" % (literal, type), type, [],
                         abs(float(value)))

    def splat(self, scalar):
        return self.emit("blk.splat %s : %s -> %s" % (
            scalar.name, scalar.type, Val("", scalar.type, self.shape)
            .mlir_type), scalar.type, None, scalar.magnitude, scalar.error)

    # Structure ------------------------------------------------------------

    def build(self):
        rng = self.rng
        pid = self.emit("blk.program_id 0 : i32", "i32", [])
        self.offsets = self.lane_offsets(pid)
        n = self.parameter("i32", "i32=%d" % self.n)
        self.n_value = Val(n, "i32", [])
        self.mask = self.bounds_mask(self.n_value)
        for _ in range(rng.randint(1, 3)):
            self.load_input()
        if rng.random() < 0.5:
            self.scalar_input(pid, Val(n, "i32", []))
        for _ in range(rng.randint(6, 16)):
            self.step()
        for _ in range(rng.randint(1, 2)):
            self.store_output()
        if rng.random() < 0.5:
            self.atomics(pid)

    def lane_offsets(self, pid):
        """Each lane's element index in the buffers: the program's block of
        consecutive elements, row-major for a tile."""
        per = self.constant(self.per_program, "i32", [])
        start = self.emit("arith.muli %s, %s : i32" % (pid.name, per.name),
                          "i32", [])
        if len(self.shape) == 1:
            local = self.emit("blk.range : tensor<%dxi32>" % self.shape[0],
                              "i32")
        else:
            rows, cols = self.shape
            r = self.emit("blk.range : tensor<%dxi32>" % rows, "i32", [rows])
            c = self.emit("blk.range : tensor<%dxi32>" % cols, "i32", [cols])
            r2 = self.emit("blk.expand_dims %s, 1 : tensor<%dxi32> -> "
                           "tensor<%dx1xi32>" % (r.name, rows, rows), "i32",
                           [rows, 1])
            c2 = self.emit("blk.expand_dims %s, 0 : tensor<%dxi32> -> "
                           "tensor<1x%dxi32>" % (c.name, cols, cols), "i32",
                           [1, cols])
            rb = self.emit("blk.broadcast %s : tensor<%dx1xi32> -> %s"
                           % (r2.name, rows, Val("", "i32", self.shape)
                              .mlir_type), "i32")
            cb = self.emit("blk.broadcast %s : tensor<1x%dxi32> -> %s"
                           % (c2.name, cols, Val("", "i32", self.shape)
                              .mlir_type), "i32")
            width = self.constant(cols, "i32")
            scaled = self.binary("arith.muli", rb, width)
            local = self.binary("arith.addi", scaled, cb)
        return self.binary("arith.addi", self.splat(self.rounded(start)),
                           local)

    def rounded(self, start):
        """`start`, a multiple of the elements a program owns, in a third of
        the kernels written as (start | (g - 1)) & -g for the largest power
        of two g <= 16 dividing them: the same value, whose divisibility
        only the rounding rule knows (the ori leaves none)."""
        g = min(16, self.per_program & -self.per_program)
        if g < 2 or self.rounding_rng.random() >= 1 / 3:
            return start
        low = self.constant(g - 1, "i32", [])
        mask = self.constant(-g, "i32", [])
        ored = self.emit("arith.ori %s, %s : i32" % (start.name, low.name),
                         "i32", [])
        return self.emit("arith.andi %s, %s : i32" % (ored.name, mask.name),
                         "i32", [])

    def bounds_mask(self, n):
        """offsets < n, in one of the forms that say so exactly."""
        ns = self.splat(n)
        form = self.rng.choice(["slt", "ult", "sgt", "ugt", "sle"])
        if form in ("slt", "ult"):
            return self.compare("arith.cmpi", form, self.offsets, ns)
        if form in ("sgt", "ugt"):
            return self.compare("arith.cmpi", form, ns, self.offsets)
        one = self.constant(1, "i32")
        last = self.binary("arith.subi", ns, one)
        return self.compare("arith.cmpi", "sle", self.offsets, last)

    def pointer_block(self, type):
        return Val("", "!blk.ptr<%s>" % type, self.shape).mlir_type

    def pointers(self, base, type, offsets):
        block = self.pointer_block(type)
        splat = self.emit("blk.splat %s : !blk.ptr<%s> -> %s"
                          % (base, type, block), "ptr")
        return self.emit("blk.addptr %s, %s : %s, %s" % (
            splat.name, offsets.name, block, offsets.mlir_type), "ptr")

    def load_input(self):
        rng = self.rng
        type = rng.choice(MEMORY_TYPES)
        fill = rng.choice(["iota", "randn"] if not is_float(type)
                          else ["rand", "randn", "iota"])
        magnitude = {"rand": 1.0, "randn": 8.0, "iota": float(self.n)}[fill]
        base = self.parameter("!blk.ptr<%s>" % type,
                              "%s*:%d=%s" % (type, self.n, fill))
        ptrs = self.pointers(base, type, self.offsets)
        other = self.constant(rng.choice([0, -1, 3]), type)
        value = self.emit("blk.load %s, %s, %s : %s" % (
            ptrs.name, self.mask.name, other.name, self.pointer_block(type)),
            type, None, max(magnitude, 3.0))
        if type in ("f16", "bf16"):  # storage types: computed in f32
            value = self.cast(value, "f32")
        self.pool.append(value)

    def scalar_input(self, pid, n):
        """A scalar load, of element min(pid, n - 1), splat over the block."""
        type = self.rng.choice(["i32", "i64", "f32", "f64"])
        base = self.parameter("!blk.ptr<%s>" % type,
                              "%s*:%d=randn" % (type, self.n))
        one = self.constant(1, "i32", [])
        last = self.emit("arith.subi %s, %s : i32" % (n.name, one.name),
                         "i32", [])
        at = self.emit("arith.minsi %s, %s : i32" % (pid.name, last.name),
                       "i32", [])
        pointer = self.emit("blk.addptr %s, %s : !blk.ptr<%s>, i32"
                            % (base, at.name, type), "ptr", [])
        value = self.emit("blk.load %s : !blk.ptr<%s>" % (pointer.name, type),
                          type, [], 8.0)
        self.pool.append(self.splat(value))

    def store_output(self):
        rng = self.rng
        value = rng.choice(self.pool[-4:])
        type = rng.choice(MEMORY_TYPES)
        if is_float(value.type) and not is_float(type) and (
                value.error or value.magnitude >= 2.0 ** 31):
            type = value.type  # converting it to an integer is not exact
        if type != value.type:
            value = self.cast(value, type)
        index = len(self.arguments)
        base = self.parameter("!blk.ptr<%s>" % type,
                              "%s*:%d=%d" % (type, self.n, POISON))
        ptrs = self.pointers(base, type, self.offsets)
        mask = self.mask
        if rng.random() < 0.3:
            mask = self.binary("arith.andi", mask, self.any_mask())
        self.lines.append("  blk.store %s, %s, %s : %s" % (
            ptrs.name, value.name, mask.name, self.pointer_block(type)))
        if is_float(type):
            self.tolerances[index] = value.error

    # Values ---------------------------------------------------------------

    def binary(self, op, a, b, magnitude=0.0, error=0.0):
        return self.emit("%s %s, %s : %s" % (op, a.name, b.name, a.mlir_type),
                         a.type, a.shape, magnitude, error)

    def compare(self, op, predicate, a, b):
        return self.emit("%s %s, %s, %s : %s" % (op, predicate, a.name,
                                                  b.name, a.mlir_type),
                         "i1", a.shape)

    def cast(self, value, type):
        """blk.cast, with the bounds the conversion keeps."""
        magnitude, error = value.magnitude, value.error
        if is_float(type) and not is_float(value.type):
            magnitude = float(2 ** INTEGER_BITS.get(value.type, 1))
        elif is_float(type) and error:
            error += EPSILON[type] * magnitude
        if not is_float(type):
            magnitude = float(2 ** INTEGER_BITS[type])
        return self.emit("blk.cast %s : %s to %s" % (
            value.name, value.mlir_type,
            Val("", type, value.shape).mlir_type), type, value.shape,
            magnitude, error)

    def pick(self, want):
        """A value of the pool that `want` accepts, or None."""
        choices = [v for v in self.pool if want(v)]
        return self.rng.choice(choices) if choices else None

    def exact(self, value):
        return value.error == 0.0

    def any_mask(self):
        """A random comparison of two values of one type, exact ones."""
        rng = self.rng
        a = self.pick(self.exact)
        b = self.pick(lambda v: v.type == a.type and self.exact(v))
        if is_float(a.type):
            return self.compare("arith.cmpf", rng.choice(CMPF), a, b)
        return self.compare("arith.cmpi", rng.choice(CMPI), a, b)

    def integer_step(self, a):
        rng = self.rng
        b = self.pick(lambda v: v.type == a.type)
        bits = INTEGER_BITS[a.type]
        op = rng.choice(["addi", "subi", "muli", "andi", "ori", "xori",
                         "maxsi", "minsi", "maxui", "minui", "shli", "shrsi",
                         "shrui", "divsi", "divui", "remsi", "remui"])
        if op.startswith("sh"):
            # Amounts below the width: larger ones are undefined.
            b = self.binary("arith.andi", b, self.constant(bits - 1, a.type))
        elif op.startswith(("div", "rem")):
            # Positive divisors: no division by zero, no INT_MIN / -1.
            low = self.binary("arith.andi", b, self.constant(127, a.type))
            b = self.binary("arith.ori", low, self.constant(1, a.type))
        return self.binary("arith." + op, a, b)

    def float_step(self, a):
        rng = self.rng
        b = self.pick(lambda v: v.type == a.type)
        op = rng.choice(["addf", "subf", "mulf", "maximumf", "minimumf",
                         "divf", "negf", "sqrt"])
        eps = EPSILON[a.type]
        inexact = a.error or b.error
        if op in ("addf", "subf"):
            magnitude = a.magnitude + b.magnitude
            error = a.error + b.error + (eps * magnitude if inexact else 0)
        elif op == "mulf":
            magnitude = a.magnitude * b.magnitude
            error = (a.error * b.magnitude + b.error * a.magnitude +
                     a.error * b.error + (eps * magnitude if inexact else 0))
        elif op in ("maximumf", "minimumf"):
            magnitude = max(a.magnitude, b.magnitude)
            error = max(a.error, b.error)
        elif inexact:  # divisions and square roots of exact values only
            return None
        elif op == "divf":
            return self.binary("arith.divf", a, b, float("inf"))
        elif op == "negf":
            return self.emit("arith.negf %s : %s" % (a.name, a.mlir_type),
                             a.type, a.shape, a.magnitude)
        else:
            absolute = self.emit("math.absf %s : %s" % (a.name, a.mlir_type),
                                 a.type, a.shape, a.magnitude)
            return self.emit("math.sqrt %s : %s" % (absolute.name,
                                                    a.mlir_type),
                             a.type, a.shape, a.magnitude)
        if error != error or error == float("inf"):
            return None  # an unbounded tolerance would hide everything
        return self.binary("arith." + op, a, b, magnitude, error)

    def select_step(self, a):
        b = self.pick(lambda v: v.type == a.type)
        mask = self.any_mask()
        return self.emit("arith.select %s, %s, %s : %s, %s" % (
            mask.name, a.name, b.name, mask.mlir_type, a.mlir_type), a.type,
            a.shape, max(a.magnitude, b.magnitude), max(a.error, b.error))

    def cast_step(self, a):
        rng = self.rng
        if is_float(a.type):
            if a.error == 0 and a.magnitude < 2.0 ** 31:
                return self.cast(a, rng.choice(["i32", "i64"]))
            return self.cast(a, "f64" if a.type == "f32" else "f32")
        return self.cast(a, rng.choice(["i8", "i16", "i32", "i64", "f32",
                                        "f64"]))

    def reduction(self, a, axis):
        """A combiner for reducing `a` along `axis`, and the bounds of its
        result: (combiner op, magnitude, error), or None."""
        rng = self.rng
        if a.type not in ("i32", "i64", "f32", "f64"):
            return None
        if is_float(a.type):
            combiner = rng.choice(["addf", "maximumf", "minimumf"])
        else:
            combiner = rng.choice(["addi", "muli", "andi", "ori", "xori",
                                   "maxsi", "minsi", "maxui", "minui"])
        bounds = combined_bounds(a, combiner, self.shape[axis])
        return None if bounds is None else (combiner, *bounds)

    def broadcast_back(self, reduced, axis):
        """A reduction's result `reduced` spread again over the block."""
        if not reduced.shape:
            return self.splat(reduced)
        unit = [1 if i == axis else s for i, s in enumerate(self.shape)]
        expanded = self.emit("blk.expand_dims %s, %d : %s -> %s" % (
            reduced.name, axis, reduced.mlir_type,
            Val("", reduced.type, unit).mlir_type), reduced.type, unit)
        return self.emit("blk.broadcast %s : %s -> %s" % (
            expanded.name, expanded.mlir_type,
            Val("", reduced.type, self.shape).mlir_type), reduced.type,
            self.shape, reduced.magnitude, reduced.error)

    def reduce_step(self, a):
        """A reduction along an axis, broadcast back over the block; half
        the time a second block (of any reducible type) is reduced with it,
        by the same op or (half of those times) by an op of its own right
        after it, which blk-merge-reductions joins to the first; it joins
        the pool too."""
        rng = self.rng
        axis = rng.randrange(len(self.shape))
        blocks = [a]
        if rng.random() < 0.5:
            b = self.pick(lambda v: v.shape == self.shape and v is not a)
            if b is not None:
                blocks.append(b)
        reductions = [self.reduction(v, axis) for v in blocks]
        if any(r is None for r in reductions):
            return None
        if len(blocks) == 2 and rng.random() < 0.5:
            results = [self.emit_reduce([v], [r], axis)[0]
                       for v, r in zip(blocks, reductions)]
        else:
            results = self.emit_reduce(blocks, reductions, axis)
        spread = [self.broadcast_back(r, axis) for r in results]
        self.pool.extend(spread[1:])
        return spread[0]

    def emit_reduce(self, blocks, reductions, axis):
        """One blk.reduce of `blocks` along `axis`, each with its combiner
        of `reductions` (reduction()'s); returns its results."""
        kept = [s for i, s in enumerate(self.shape) if i != axis]
        name = self.fresh()
        results = [Val(name if len(blocks) == 1 else "%s#%d" % (name, i),
                       v.type, kept, magnitude, error)
                   for i, (v, (_, magnitude, error))
                   in enumerate(zip(blocks, reductions))]
        count = len(blocks)
        lhs = ["%%a%d: %s" % (i, v.type) for i, v in enumerate(blocks)]
        rhs = ["%%b%d: %s" % (i, v.type) for i, v in enumerate(blocks)]
        body = "".join("    %%c%d = arith.%s %%a%d, %%b%d : %s\n" % (
            i, r[0], i, i, v.type)
            for i, (v, r) in enumerate(zip(blocks, reductions)))
        types = ", ".join(v.type for v in blocks)
        self.lines.append(
            "  %s%s = blk.reduce %s axis %d : %s -> %s {\n"
            "  ^bb0(%s):\n%s"
            "    blk.yield %s : %s\n  }" % (
                name, "" if count == 1 else ":%d" % count,
                ", ".join(v.name for v in blocks), axis,
                ", ".join(v.mlir_type for v in blocks),
                ", ".join(r.mlir_type for r in results),
                ", ".join(lhs + rhs), body,
                ", ".join("%%c%d" % i for i in range(count)), types))
        return results

    def loop_step(self, a):
        """scf.for carrying `a`, adding the induction variable (as a's type)
        times another value each time: exact operands only."""
        if not self.exact(a):
            return None
        b = self.pick(lambda v: v.type == a.type and self.exact(v))
        if is_float(a.type) and (a.magnitude + 4 * b.magnitude) == float(
                "inf"):
            return None
        trips = self.rng.randint(0, 4)
        zero = self.constant(0, "i32", [])
        count = self.constant(trips, "i32", [])
        one = self.constant(1, "i32", [])
        result = self.fresh()
        outer = self.lines
        self.lines = []
        iv = Val("%iv" + result[2:], "i32", [])
        accumulator = Val("%acc" + result[2:], a.type, a.shape)
        ivs = self.splat(iv)
        factor = ivs if a.type == "i32" else self.cast(ivs, a.type)
        add, mul = ("addf", "mulf") if is_float(a.type) else ("addi", "muli")
        term = self.binary("arith." + mul, b, factor)
        next = self.binary("arith." + add, accumulator, term)
        loaded_magnitude = 0.0
        if a.type in ("i32", "i64") and self.loop_rng.random() < 0.5:
            loaded, loaded_magnitude = self.shifted_load(a.type, ivs)
            next = self.binary("arith.addi", next, loaded)
        if (a.type in MEMORY_TYPES and a.shape == self.shape
                and self.store_rng.random() < 0.5):
            self.store_in_loop(next, ivs)
        body = self.lines
        self.lines = outer
        self.lines.append(
            "  %s = scf.for %s = %s to %s step %s iter_args(%s = %s) -> "
            "(%s) : i32 {" % (result, iv.name, zero.name, count.name,
                              one.name, accumulator.name, a.name,
                              a.mlir_type))
        self.lines += ["  " + line for line in body]
        self.lines.append("    scf.yield %s : %s\n  }" % (next.name,
                                                           a.mlir_type))
        magnitude = a.magnitude + 6 * b.magnitude * 4 + 4 * loaded_magnitude
        return Val(result, a.type, a.shape, magnitude, 0.0)

    def store_in_loop(self, value, ivs):
        """In a loop: a store of `value` (exact) to an output of its own,
        each iteration over the last; poisoned where the loop runs none.
        Across it blk-prefetch-loads moves the loop's loads only where the
        arguments are blk.noalias. An integer one may instead go to slot
        iv + 1 of an output of 5 slots of n elements, plus what iteration
        iv - 1 stored in slot iv (the same lane's element: the thread that
        stored it reads it back; in a layout that replicates the block, the
        copies read it too, without a barrier, but store nothing, so what
        they read reaches no output): a load whose address moves with the
        induction variable, which the pass must leave behind the store,
        blk.noalias or not, as the store writes what the next iteration
        reads."""
        type = value.type
        index = len(self.arguments)
        chained = type in ("i32", "i64") and self.store_rng.random() < 0.5
        base = self.parameter("!blk.ptr<%s>" % type, "%s*:%d=%d" % (
            type, (5 if chained else 1) * self.n, POISON), self.store_rng)
        offsets = self.offsets
        if chained:
            ns = self.splat(self.n_value)
            read = self.binary("arith.addi", offsets,
                               self.binary("arith.muli", ivs, ns))
            previous = self.emit("blk.load %s, %s, %s : %s" % (
                self.pointers(base, type, read).name, self.mask.name,
                self.constant(0, type).name, self.pointer_block(type)), type)
            value = self.binary("arith.addi", value, previous)
            offsets = self.binary("arith.addi", read, ns)
        ptrs = self.pointers(base, type, offsets)
        self.lines.append("  blk.store %s, %s, %s : %s" % (
            ptrs.name, value.name, self.mask.name, self.pointer_block(type)))
        if is_float(type):
            self.tolerances[index] = 0.0

    def shifted_load(self, type, ivs):
        """In a loop: a load of a new input at each lane's offset plus the
        induction variable, masked to the buffer (an address computed from
        the induction variable, which blk-prefetch-loads moves ahead)."""
        fill = self.loop_rng.choice(["iota", "randn"])
        base = self.parameter("!blk.ptr<%s>" % type,
                              "%s*:%d=%s" % (type, self.n, fill))
        shifted = self.binary("arith.addi", self.offsets, ivs)
        ns = self.splat(self.n_value)
        inside = self.compare("arith.cmpi", "slt", shifted, ns)
        mask = self.binary("arith.andi", inside, self.mask)
        ptrs = self.pointers(base, type, shifted)
        other = self.constant(0, type)
        value = self.emit("blk.load %s, %s, %s : %s" % (
            ptrs.name, mask.name, other.name, self.pointer_block(type)),
            type)
        return value, {"iota": float(self.n), "randn": 8.0}[fill]

    def step(self):
        """One random op on the pool's values; its result joins the pool."""
        rng = self.rng
        a = rng.choice(self.pool)
        kind = rng.choice(["arith", "arith", "arith", "select", "cast",
                           "reduce", "loop"])
        if kind == "arith":
            result = (self.float_step(a) if is_float(a.type)
                      else self.integer_step(a))
        else:
            result = getattr(self, kind + "_step")(a)
        if result is not None:
            self.pool.append(result)
        self.local_step()
        self.cluster_step()

    def specialization(self):
        """blk-specialize's options for this kernel."""
        options = "num-warps=%d" % self.num_warps
        if self.cluster_size:
            options += " cluster-size=%d" % self.cluster_size
        if self.divisible:
            options += " divisible-by-16=" + ",".join(map(str,
                                                          self.divisible))
        if self.divisibility:
            options += " divisibility=" + ",".join(
                "%d:%d" % item for item in sorted(self.divisibility.items()))
        return options

    def text(self):
        return ("func.func @kernel(%s) {\n%s\n  return\n}\n"
                % (", ".join(self.parameters), "\n".join(self.lines)))
