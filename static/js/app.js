// Entry point: starts each enhancement on its own, so one failing never stops the others.
import { initDiagrams } from "./diagrams.js";
import { initExplorer } from "./explorer.js";
import { initCanvas } from "./canvas.js";
import { initGraphs } from "./graph.js";
import { initLive } from "./live.js";
import { initMentions } from "./mentions.js";
import { closePreviews, initPreviews } from "./preview.js";
import { initDueBadge, initReview } from "./review.js";
import { initSearch } from "./search.js";
import { STATIC } from "./site.js";
import { initTheme } from "./theme.js";
import { initToc, rebuildToc } from "./toc.js";
import { close as closeTooltip, initTooltips, refreshTerms } from "./tooltips.js";

function start(name, init) {
  try {
    init();
  } catch (err) {
    console.error(`studynotes: ${name} failed to start`, err);
  }
}

start("theme", initTheme);
start("search", initSearch);
start("tooltips", initTooltips); // before previews: Escape closes the tooltip first
start("previews", initPreviews);
start("toc", initToc);
start("mentions", initMentions);
start("explorer", initExplorer);
start("diagrams", () => initDiagrams());
start("graph", initGraphs);
start("review", initReview);
if (!STATIC) start("due badge", () => initDueBadge().catch(() => {})); // study needs a server
start("canvas", initCanvas);
start("live", () =>
  initLive({
    onUpdate(note, skipFirstHeading) {
      closeTooltip(false);
      closePreviews();
      refreshTerms();
      if (Array.isArray(note.headings)) rebuildToc(note.headings, skipFirstHeading);
      initToc();
    },
  }),
);
