#pragma once
#include <QString>

namespace tt::test {

// A project of `logs` generated logs made with the app's own import (CSV tabs written into dir); its path.
QString importGeneratedProject(const QString &app, const QString &dir, int logs);

} // namespace tt::test
