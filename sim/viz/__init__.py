"""The workshop visualization: a live caring community in the browser (``caring-community viz``).

Kept apart from the model: :mod:`sim.viz.app` is the Solara page (built on Mesa's SolaraViz parts),
:mod:`sim.viz.levers` maps sliders to scenario overrides, :mod:`sim.viz.network_view` keeps a stable
layout and draws the network, :mod:`sim.viz.charts` draws the outcomes, :mod:`sim.viz.i18n` holds
every French and English string, :mod:`sim.viz.session` is one browser's run, :mod:`sim.viz.cli`
adds the ``viz`` command, and :mod:`sim.viz.browser` / :mod:`sim.viz.measure_speed` serve the page
to a headless chromium for the tests and the speed measurement.
"""
