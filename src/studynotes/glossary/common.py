"""Everyday words that study notes also use as terms ("prompt", "memory", "range").

A glossary term named by one of these is still listed, searched and explained on its own
page, but it is dotted in the text only on strong evidence: otherwise half the lines of a
vault carry a dot for a word every reader knows. The list is ours: general nouns and
adjectives of English prose that recur in notes on any subject.
"""

from __future__ import annotations

from studynotes.glossary._labels import words

__all__ = ["COMMON_WORDS"]

COMMON_WORDS = words(
    """
    text prompt prompts memory current semantic method methods support range description
    value values model models data time state states process system systems function class
    object type form order set list table field record file page line word words term point
    case example problem result answer question idea rule step stage level layer unit part
    piece item element group node edge graph tree path link key index score rate cost price
    size length width height depth weight weights bias mean average sample samples test
    train training task tasks goal target source input inputs output outputs signal noise
    error errors loss gain change update view window frame image images sound voice
    language code program application service server client user agent tool engine machine
    network interface structure pattern format style theme design plan strategy approach
    technique solution feature features property attribute parameter parameters variable
    constant number count total sum product factor ratio share whole space area region
    zone domain scope context content storage cache buffer queue stack block chunk batch
    stream flow pipeline channel port address name label tag title note comment message
    event action effect cause reason purpose meaning sense concept theory principle law
    fact truth belief knowledge information evidence attention focus control power energy
    force pressure speed distance position direction angle shape scale degree measure
    metric standard quality quantity amount volume capacity limit threshold boundary
    border center middle end start head tail top bottom side front back current previous
    next last first final initial general special common simple complex basic advanced
    normal regular random natural real virtual physical logical local global public
    private open closed free full empty high low large small long short new old good bad
    main primary direct indirect positive negative memory instance instances entity
    entities resource resources query queries request response document documents
    collection selection option options setting settings mode version copy history
    session account task project module component components package library framework
    platform device devices folder folders vault note notes search filter sort view
    same different similar other full valid invalid true false right wrong easy hard
    early late many much more most less few several each every both either neither any
    all none only also very just even still again always never often sometimes usually
    big little young whole half single double multiple next way thing things kind part
    """
)
