#include "reportwriter.h"

#include "common/privatefile.h"
#include "report/csvexport.h"
#include "report/htmlreport.h"
#include "report/jsonreport.h"
#include "report/reportdata.h"

namespace tt {

QByteArray jsonReportBytes(const Project &project, const Roster &roster)
{
    return jsonReportText(project, roster);
}

QByteArray htmlReportBytes(const Project &project, const Roster &roster)
{
    return renderHtmlReport(reportData(project, roster)).toUtf8();
}

void writeReport(const Project &project, const Roster &roster, ReportFormat format, const QString &path)
{
    switch (format) {
    case ReportFormat::Json:
        writePrivateFile(path, jsonReportBytes(project, roster));
        break;
    case ReportFormat::Html:
        writePrivateFile(path, htmlReportBytes(project, roster));
        break;
    case ReportFormat::Csv:
        writeCsvExports(reportData(project, roster), path); // creates the folder 0700
        break;
    }
}

} // namespace tt
