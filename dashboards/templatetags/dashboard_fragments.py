"""``{% fragment "content" %} ... {% endfragment %}``: a part of a dashboard
page that its view may serve already rendered (``dashboards.cache.PageFragments``,
passed as ``fragments`` in the context). Without ``fragments`` the part is
rendered as if the tag were not there."""

from __future__ import annotations

from django import template

register = template.Library()


class FragmentNode(template.Node):
    def __init__(self, name, nodelist):
        self.name = name
        self.nodelist = nodelist

    def render(self, context) -> str:
        fragments = context.get("fragments")
        if fragments is None:
            return self.nodelist.render(context)
        return fragments.render(self.name.resolve(context), lambda: self.nodelist.render(context))


@register.tag("fragment")
def fragment(parser, token) -> FragmentNode:
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError(f"'{bits[0]}' takes one argument: the fragment's name")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(parser.compile_filter(bits[1]), nodelist)
