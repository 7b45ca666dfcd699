#include "importtypes.h"

#include "common/jsonnumber.h"

#include <nlohmann/json.hpp>

namespace tt {

nlohmann::json rowCountsToJson(const RowCounts &c)
{
    return {{"read", c.read},
            {"accepted", c.accepted},
            {"duplicatesIdentical", c.duplicatesIdentical},
            {"duplicatesConflicting", c.duplicatesConflicting},
            {"quarantined", c.quarantined},
            {"blank", c.blank},
            {"headerRows", c.headerRows}};
}

namespace {
constexpr qint64 kMaxCount = qint64(1) << 50; // far beyond any sheet; sums of them cannot overflow
}

RowCounts rowCountsFromJson(const nlohmann::json &j)
{
    RowCounts c;
    c.read = jsonWholeAt<qint64>(j, "read", 0, 0, kMaxCount);
    c.accepted = jsonWholeAt<qint64>(j, "accepted", 0, 0, kMaxCount);
    c.duplicatesIdentical = jsonWholeAt<qint64>(j, "duplicatesIdentical", 0, 0, kMaxCount);
    c.duplicatesConflicting = jsonWholeAt<qint64>(j, "duplicatesConflicting", 0, 0, kMaxCount);
    c.quarantined = jsonWholeAt<qint64>(j, "quarantined", 0, 0, kMaxCount);
    c.blank = jsonWholeAt<qint64>(j, "blank", 0, 0, kMaxCount);
    c.headerRows = jsonWholeAt<qint64>(j, "headerRows", 0, 0, kMaxCount);
    return c;
}

} // namespace tt
