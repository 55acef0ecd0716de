package io.walferry.cli;

import picocli.CommandLine.IVersionProvider;

/** {@code --version}: the jar manifest's {@code Implementation-Version}, or {@code dev} outside the jar. */
final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"walferry " + version(), "Java " + Runtime.version()};
    }

    static String version() {
        String version = VersionProvider.class.getPackage().getImplementationVersion();
        return version == null || version.isBlank() ? "dev" : version;
    }
}
