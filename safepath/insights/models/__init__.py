"""Models of the insights app, one module per part."""

from safepath.insights.models.alerts import Alert as Alert
from safepath.insights.models.alerts import AlertComment as AlertComment
from safepath.insights.models.exports import StatisticsExport as StatisticsExport
from safepath.insights.models.releases import StatisticsRelease as StatisticsRelease
from safepath.insights.models.rollups import Rollup as Rollup
from safepath.insights.models.rollups import RollupState as RollupState
