#include "importtypes.h"

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

RowCounts rowCountsFromJson(const nlohmann::json &j)
{
    RowCounts c;
    c.read = j.value("read", qint64(0));
    c.accepted = j.value("accepted", qint64(0));
    c.duplicatesIdentical = j.value("duplicatesIdentical", qint64(0));
    c.duplicatesConflicting = j.value("duplicatesConflicting", qint64(0));
    c.quarantined = j.value("quarantined", qint64(0));
    c.blank = j.value("blank", qint64(0));
    c.headerRows = j.value("headerRows", qint64(0));
    return c;
}

} // namespace tt
