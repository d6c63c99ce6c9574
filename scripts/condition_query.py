"""The --condition grammar as a pandas query, for the benchmark scripts (not the product's
parser: io.synthgen.tabular.condition.RowCondition is). Handles COL=VALUE, COL in (A,B),
COL>=X and the other comparisons, and COL between X and Y."""
import re


def to_query(condition):
    """One condition as a pandas DataFrame.query expression."""
    m = re.fullmatch(r"\s*(\w+)\s+in\s*\((.*)\)\s*", condition, re.I)
    if m:
        return f"{m[1]}.astype('str') in {[v.strip() for v in m[2].split(',')]}"
    m = re.fullmatch(r"\s*(\w+)\s+between\s+(\S+)\s+and\s+(\S+)\s*", condition, re.I)
    if m:
        return f"{m[2]} <= {m[1]} <= {m[3]}"
    m = re.fullmatch(r"\s*(\w+)\s*(>=|<=|>|<)\s*(\S+)\s*", condition)
    if m:
        return f"{m[1]} {m[2]} {m[3]}"
    m = re.fullmatch(r"\s*(\w+)\s*=\s*(.*)", condition)
    if m:
        return f"{m[1]}.astype('str') == {m[2].strip()!r}"
    raise ValueError(f"condition_query: cannot read condition {condition!r}")


def meeting(rows, conditions):
    """The rows of DataFrame rows that meet every condition."""
    conditions = [c for c in conditions if c.strip()]
    if not conditions:
        return rows
    return rows.query(" and ".join(f"({to_query(c)})" for c in conditions))
