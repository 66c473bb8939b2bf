"""Hostile strings a person might type into a text field.

Tests submit each of these and check that the page shows them as plain text: nothing runs,
no markup is injected and no template is evaluated. Payloads that would execute use
``alert(1)`` (or a similar harmless marker). Control characters are written as escapes;
NUL is left out on purpose.
"""

PAYLOADS: list[str] = [
    # <script> tags in several spellings and cases
    "<script>alert(1)</script>",
    "<SCRIPT>alert(1)</SCRIPT>",
    "<ScRiPt>alert(1)</sCrIpT>",
    "<script src=//example.invalid/x.js></script>",
    "<script\n>alert(1)</script\n>",
    "<script type=module>alert(1)</script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<<script>alert(1)//<</script>",
    # event-handler attributes
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=x OnErRoR=alert(1)>",
    '<img src=x onerror="alert(1)">',
    "<svg onload=alert(1)>",
    "<svg/onload=alert(1)>",
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<marquee onstart=alert(1)>x</marquee>",
    # javascript: and data: URLs
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<a href="java\tscript:alert(1)">click</a>',
    '<a href="&#106;avascript:alert(1)">click</a>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe src="data:text/html,<script>alert(1)</script>"></iframe>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">click</a>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="data:image/svg+xml,<svg onload=alert(1)>">',
    # attribute breakouts
    '"><script>alert(1)</script>',
    "'><script>alert(1)</script>",
    "'\"><img src=x onerror=alert(1)>",
    '" onmouseover=alert(1) x="',
    "' onmouseover=alert(1) x='",
    " onmouseover=alert(1) x=",
    '" autofocus onfocus="alert(1)',
    # closing tags that end the surrounding context
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "</style><script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    "--><script>alert(1)</script>",
    "<!--<script>alert(1)</script>-->",
    "]]><script>alert(1)</script>",
    "</noscript><img src=x onerror=alert(1)>",
    # HTML entities and encoded forms
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#x3C;script&#x3E;alert(1)&#x3C;/script&#x3E;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    "\uff1cscript\uff1ealert(1)\uff1c/script\uff1e",
    "&amp;lt;b&amp;gt;double&amp;lt;/b&amp;gt;",
    # CSS
    '<div style="width: expression(alert(1))">x</div>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<style>@import 'javascript:alert(1)';</style>",
    '<style>body{background:url("javascript:alert(1)")}</style>',
    # template syntax (Jinja and others)
    "{{ 7*7 }}",
    "{{config}}",
    "{{ config.items() }}",
    "{{ self.__init__.__globals__ }}",
    "{% raw %}{{ 7*7 }}{% endraw %}",
    "{% for x in range(3) %}{{ x }}{% endfor %}",
    "{# comment #}",
    "${7*7}",
    "#{7*7}",
    "<%= 7*7 %>",
    "[[7*7]]",
    "{{constructor.constructor('alert(1)')()}}",
    "`${alert(1)}`",
    # Markdown link and image injection
    "[x](javascript:alert(1))",
    '![x](x" onerror="alert(1))',
    "[x](data:text/html,<script>alert(1)</script>)",
    '<a href="x">[y](javascript:alert(1))</a>',
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    # control characters and direction tricks
    "\u202egnp.exe",
    "safe\u202etext\u202c",
    "zero\u200dwidth\u200bjoin\ufeff",
    "bell\x07bell",
    "\x1b[31mred\x1b[0m",
    "line\u2028separator\u2029paragraph",
    "tab\tcarriage\rreturn\nnew\x0bline\x0cfeed",
    "\x7fdelete\x08backspace",
    # a very long nested tag string
    "<div>" * 25 + "<b>x</b>" + "</div>" * 25,
    # SVG, meta, base, form, math
    "<svg><foreignObject><iframe src=javascript:alert(1)></iframe></foreignObject></svg>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><a xlink:href=javascript:alert(1)><text y=20>x</text></a></svg>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<meta http-equiv="refresh" content="0;url=https://example.invalid/">',
    '<base href="https://example.invalid/">',
    '<form action="https://example.invalid/steal"><button>Go</button></form>',
    "<button formaction=javascript:alert(1)>x</button>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<math href="javascript:alert(1)">x</math>',
    "<math><maction actiontype=statusline xlink:href=javascript:alert(1)>x</maction></math>",
    # polyglots
    "jaVasCript:/*-/*`/*\\`/*'/*\"/**/(/* */oNcliCk=alert(1) )//%0D%0A%0d%0a//"
    "</stYle/</titLe/</teXtarEa/</scRipt/--!>\\x3csVg/<sVg/oNloAd=alert(1)//>\\x3e",
    "'\"-->]]></script></style></textarea><svg onload=alert(1)>{{7*7}}${7*7}",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
]
