"""Write to DOM nodes only what changed since the last write (runs under CPython too).

A refresh that changes nothing must touch nothing: writing an unchanged
value still counts as a DOM mutation and can cost a repaint. The nodes are
whatever objects the caller passes, so tests can use plain Python objects.
"""


class Patcher:
    """Write text, attributes and classes to nodes only when they change."""

    def __init__(self):
        self.values = {}

    def text(self, key, node, value):
        if self.values.get(key) != value:
            node.textContent = value
            self.values[key] = value

    def attr(self, key, node, name, value):
        cache_key = key + "@" + name
        if self.values.get(cache_key) != value:
            if value is None:
                node.removeAttribute(name)
            else:
                node.setAttribute(name, value)
            self.values[cache_key] = value

    def flag(self, key, node, class_name, on):
        cache_key = key + "." + class_name
        if self.values.get(cache_key) != on:
            node.classList.toggle(class_name, bool(on))
            self.values[cache_key] = on

    def prop(self, key, node, name, value):
        """Set a DOM property such as ``hidden`` or ``checked``; an unchanged write still counts as a mutation."""
        cache_key = key + "#" + name
        if self.values.get(cache_key) != value:
            setattr(node, name, value)
            self.values[cache_key] = value

    def hidden(self, key, node, is_hidden):
        self.prop(key, node, "hidden", bool(is_hidden))

    def forget(self, prefix):
        for key in list(self.values):
            if key.startswith(prefix):
                del self.values[key]
