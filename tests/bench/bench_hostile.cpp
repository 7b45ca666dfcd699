// Peak memory of importing two hostile files (issue 13, item 1), each in its own process so that its peak RSS is
// its own:
//   xlsx: a workbook whose 200,000 data rows each hold one cell in column XFD (was 7.7 GB, then out of memory);
//   csv:  a 2 MB CSV line of 2,000,000 commas (was 386 MB).
// Usage: bench_hostile [ROWS]   (ROWS: XLSX data rows, default 200000). Prints one line per file.
#include "common/errors.h"
#include "import/importer.h"
#include "project/project.h"
#include "rawxlsx.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTextStream>

#include <sys/resource.h>

using namespace tt;
using namespace tt::test;

namespace {

qint64 peakRssKb()
{
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return qint64(ru.ru_maxrss); // kilobytes on Linux
}

QTextStream &out()
{
    static QTextStream s(stdout);
    return s;
}

bool writeXfdWorkbook(const QString &path, int rows)
{
    QByteArray data = "<row r=\"1\">";
    const char *const header[] = {"timestamp", "studentId", "studentName", "level", "category", "location",
                                  "actionTaken", "note", "teacherEmail", "classCode", "device", "uuid"};
    for (int c = 0; c < 12; ++c)
        data += inlineCell(c, 1, QString::fromLatin1(header[c]));
    data += "</row>";
    data.reserve(qsizetype(rows) * 48);
    for (int r = 2; r <= rows + 1; ++r)
        data += "<row r=\"" + QByteArray::number(r) + "\">" + sharedCell(16383, r, 0) + "</row>";
    QString error;
    if (!writeZip(path, workbookParts(data, "<si><t>x</t></si>"), &error)) {
        out() << "cannot write " << path << ": " << error << Qt::endl;
        return false;
    }
    return true;
}

bool writeCommaCsv(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return false;
    f.write("timestamp,studentId,studentName,level,category,location,actionTaken,note,teacherEmail,classCode,device,uuid\r\n");
    f.write(QByteArray(2000000, ','));
    f.write("\r\n");
    return true;
}

// The child: imports one file, prints what happened and its peak RSS.
int importOne(const QString &kind, const QString &path)
{
    Project project = Project::create(SchoolInfo{QStringLiteral("Bench School"), QStringLiteral("school.example"),
                                                 QStringLiteral("Australia/Melbourne")});
    Importer importer(project);
    QElapsedTimer timer;
    timer.start();
    QString outcome;
    try {
        if (kind == u"csv")
            importer.importCsv(path, RecordType::Incident);
        else
            importer.importWorkbook(path);
        const RowCounts c = project.counts(0);
        outcome = QStringLiteral("imported: read=%1 accepted=%2 quarantined=%3 balanced=%4")
                      .arg(c.read)
                      .arg(c.accepted)
                      .arg(c.quarantined)
                      .arg(c.balanced() ? QStringLiteral("yes") : QStringLiteral("NO"));
    } catch (const UserError &e) {
        outcome = QStringLiteral("refused: ") + e.message();
    }
    out() << kind << ": " << QFileInfo(path).size() << " bytes, " << timer.elapsed() << " ms, peak RSS "
          << peakRssKb() / 1024 << " MB; " << outcome << Qt::endl;
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() == 4 && args.at(1) == u"--child")
        return importOne(args.at(2), args.at(3));
    const int rows = args.size() > 1 ? args.at(1).toInt() : 200000;
    QTemporaryDir dir;
    const QString xlsx = dir.filePath(QStringLiteral("xfd-rows.xlsx"));
    const QString csv = dir.filePath(QStringLiteral("commas.csv"));
    if (!writeXfdWorkbook(xlsx, rows) || !writeCommaCsv(csv))
        return 1;
    for (const auto &[kind, path] : {std::pair{QStringLiteral("xlsx"), xlsx}, std::pair{QStringLiteral("csv"), csv}}) {
        QProcess p;
        p.setProcessChannelMode(QProcess::ForwardedChannels);
        p.start(app.applicationFilePath(), {QStringLiteral("--child"), kind, path});
        if (!p.waitForFinished(-1) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
            return 1;
    }
    return 0;
}
