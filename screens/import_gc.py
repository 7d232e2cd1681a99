"""No garbage collection while the TUI's modules load; what they made is frozen out of later collections.

Importing Textual and the start screen creates about a million objects and no garbage worth collecting, yet
the collector runs hundreds of young and several full collections over them on the way (2% of the first
paint's instructions). `screens.app` imports this module first, which pauses the collector, and calls
`resume()` once its imports are done: `gc.freeze()` moves every object alive then (modules, classes,
functions: they live as long as the program) into the permanent generation, which later collections never
walk, and the collector runs again as usual. Freezing matters: re-enabling alone would make the first
collection walk the whole heap the imports left. The collector is only ever off for those imports.
"""

from __future__ import annotations

import gc

_was_enabled = gc.isenabled()
gc.disable()


def resume() -> None:
    """The imports are done: freeze their objects and let the collector run again (if it ran before)."""
    gc.freeze()
    if _was_enabled:
        gc.enable()
