/**
 * Words that carry no meaning for "which tool fits": English function words plus the filler of task
 * requests ("please help me ...", "I want to ...", "using ..."). Matching on them only adds noise, and
 * on long task queries noise is most of the text. Compared on the lowercase surface form, before stemming.
 */
const FUNCTION_WORDS = `a about above after again against all am an and any are aren as at be because been before
being below between both but by can cannot could couldn did didn do does doesn doing don down during each else
ever every few for from further had hadn has hasn have haven having he her here hers herself him himself his how
i if in into is isn it its itself just let ll me might more most must mustn my myself no nor not now of off on
once only or other ought our ours ourselves out over own re same shall shan she should shouldn so some such than
that the their theirs them themselves then there these they this those through to too under until up upon us
ve very was wasn we were weren what when where which while who whom whose why will with won would wouldn you
your yours yourself yourselves s t d m o y etc via per within without also yet still already across among
amongst along around toward towards whether either neither onto including include includes e g ie eg`;

const TASK_FILLER = `please pls kindly help helps assist want wants wanted need needs needed like would love use using
used uses utilize try trying able make sure let lets thing things something anything everything stuff way ways
just really actually maybe perhaps one ones get got give gives given provide provides provided tell
go going well hi hello thanks thank may`;

export const STOP_WORDS: ReadonlySet<string> = new Set(`${FUNCTION_WORDS} ${TASK_FILLER}`.split(/\s+/));
