"""Merging copies of a store, fact by fact: ``import --merge`` (two copies) and the git merge
driver (two copies and the version both came from). One definition of merging serves both.

A copy can be older than the store (yesterday's export), newer (a friend's), or each newer
in some facts. So a merge never takes one side wholesale; it decides each fact:

- **With a common version** (git's merge base): a fact only one side changed is taken from
  that side, whatever it is (a new value, a cleared field, a removed milestone). Only a fact
  *both* sides changed, differently, is decided by time, as below; the git driver prints one
  line for each.
- **By time**, when both changed it or there is no common version (an import):
  - *Milestones.* A milestone's time is the ``recorded`` time of the last history entry for
    it on that side (edited by hand after that entry: newer than the entry). The side
    recorded later wins; the other side's entries stay in the history, so nothing typed is
    lost. A milestone one side lacks is kept, unless that side's history removed it later
    than the other set it.
  - *Title fields* (name, label, kind, platform, synopsis, notes, credits by role): a value
    one side lacks is kept (a copy that lacks a field never empties it, unless the common
    version shows it was cleared); when both have one and they differ, the side that set
    it later wins (``edited`` records when each field was last set); when neither records
    that, the side whose title was changed last.
  - *A tie* (neither side records a time, or both the same one): an import keeps the
    store's own and says so; the git driver, which has no "own" side (a rebase swaps them),
    takes the value that sorts last, so both orders give the same store.
- **History** (of milestones and of title fields): both sides' entries, each once, in
  recorded order; each side's own order is kept for entries recorded in the same second.
- **Links, proposals, rejections** are merged the same way: one page per source, one
  pending proposal per milestone and source (the later recorded wins), rejections joined.
- **Unknown fields** are carried through.
- **Titles.** A title only one side has is added, unless the common version had it and
  the other side removed it. A title one side renamed is merged under its new id. The
  one case no rule decides is a title removed on one side and changed on the other: the
  merge keeps the changed title and records a *conflict* in the store
  (``Document.conflicts``), which ``hstrack git resolve`` settles.

Every milestone a merge changes gets a history entry unless the side it came from already
has one saying how it got there, and every title field an edit, as ``set`` and ``edit``
would. The result lists per title what was done.

The parts: ``documents`` (titles on each side, renames, conflicts, the document's fields),
``titles`` (one title's fields, credits, links, proposals), ``milestones`` (one title's
milestones), ``history`` (joining histories; the times and orders decided by) and
``outcome`` (what was done).
"""
