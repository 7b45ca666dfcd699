#pragma once
// The recovery report for people: one self-contained, printable HTML page.
#include "report/reportdata.h"

#include <QString>
#include <QStringList>
#include <vector>

namespace tt {

// School, totals, links, teachers, classrooms, students, what remains to decide, quarantine.
// Every value from the data is HTML-escaped.
QString renderHtmlReport(const ReportData &data);

// The display name of a source index ("Incidents.csv"), or "source N" when unknown.
QString reportSourceName(const ReportData &data, int sourceIndex);

} // namespace tt
