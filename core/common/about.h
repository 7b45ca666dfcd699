#pragma once
// What the application is built from, for the About box and --version: each library, its version as linked,
// and its licence.
#include <QString>
#include <vector>

namespace tt {

struct Component
{
    QString name;
    QString version;
    QString license;
};

QString applicationVersion();
std::vector<Component> components();

} // namespace tt
