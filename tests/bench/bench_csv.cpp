// CSV reader throughput: writes a CSV of ~N MB (default 300) of realistic ~300-byte incident rows to a
// temporary file and reads it with tt::CsvReader. Prints MB/s. Not a test (not registered with ctest).
//   bench_csv [megabytes] [existing.csv]
#include "common/errors.h"
#include "sheets/csvreader.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>

#include <cstdio>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const qint64 megabytes = args.size() > 1 ? args.at(1).toLongLong() : 300;
    QTemporaryDir dir;
    QString path = args.size() > 2 ? args.at(2) : dir.filePath(QStringLiteral("bench.csv"));

    if (args.size() <= 2) {
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly)) {
            std::fprintf(stderr, "cannot write %s\n", qPrintable(path));
            return 1;
        }
        QElapsedTimer t;
        t.start();
        QByteArray chunk;
        qint64 written = 0;
        qint64 i = 0;
        f.write("timestamp,studentId,studentName,level,category,location,actionTaken,note,teacherEmail,classCode,"
                "device,uuid\r\n");
        while (written < megabytes << 20) {
            chunk.clear();
            for (int k = 0; k < 4096; ++k, ++i) {
                chunk += "2025-11-03T01:23:45.678Z," + QByteArray::number(3000 + i % 600) + ",Student Name"
                         + QByteArray::number(i % 600)
                         + ",Minor,Disruption,Classroom,Restorative chat,\"Talked over the teacher, twice; "
                           "said \"\"no\"\"\nthen settled\",teacher"
                         + QByteArray::number(i % 40)
                         + "@school.example.edu,5JT,Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) "
                           "AppleWebKit/605.1.15,0f8fad5b-d9cb-469f-a165-"
                         + QByteArray::number(100000000000LL + i) + "\r\n";
            }
            written += f.write(chunk);
        }
        f.close();
        std::printf("generated %.1f MB (%lld rows) in %.2f s\n", double(written) / (1 << 20), i,
                    double(t.elapsed()) / 1000.0);
    }

    const qint64 size = QFile(path).size();
    tt::CsvReader reader(path);
    qint64 rows = 0;
    qint64 cells = 0;
    QElapsedTimer t;
    t.start();
    try {
        reader.read([&](tt::SheetRow &row) {
            ++rows;
            cells += qint64(row.cells.size());
            return true;
        });
    } catch (const tt::UserError &e) {
        std::fprintf(stderr, "%s\n", qPrintable(e.message()));
        return 1;
    }
    const double seconds = double(t.nsecsElapsed()) / 1e9;
    std::printf("read %.1f MB, %lld rows, %lld cells in %.3f s: %.1f MB/s (delimiter '%c', %s)\n",
                double(size) / (1 << 20), rows, cells, seconds, double(size) / (1 << 20) / seconds,
                reader.delimiter(), qPrintable(reader.encoding()));
    return 0;
}
