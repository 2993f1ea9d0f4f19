// Alias generation. The word lists are freightgate's own (adjectives and animals in the
// spirit of moniker's), so aliases look like Kargo's without copying its lists.
#include "freightgate/freight/alias.h"

#include <algorithm>
#include <array>

namespace freightgate::freight {
namespace {

using namespace std::string_view_literals;

constexpr std::array kAdjectives = {
    "able"sv,     "agile"sv,   "amber"sv,     "amused"sv,    "ancient"sv,  "angry"sv,
    "anxious"sv,  "arctic"sv,  "ardent"sv,    "artful"sv,    "ashen"sv,    "astute"sv,
    "atomic"sv,   "august"sv,  "autumn"sv,    "awake"sv,     "bashful"sv,  "beefy"sv,
    "bitter"sv,   "blazing"sv, "bland"sv,     "blissful"sv,  "blue"sv,     "bold"sv,
    "bony"sv,     "bouncy"sv,  "brave"sv,     "breezy"sv,    "brisk"sv,    "bristly"sv,
    "broad"sv,    "bronze"sv,  "bubbly"sv,    "bulky"sv,     "bumpy"sv,    "busy"sv,
    "calm"sv,     "candid"sv,  "careful"sv,   "cheeky"sv,    "cheerful"sv, "chilly"sv,
    "chirpy"sv,   "chubby"sv,  "civic"sv,     "classy"sv,    "clever"sv,   "cloudy"sv,
    "clumsy"sv,   "cobalt"sv,  "cocky"sv,     "cold"sv,      "comfy"sv,    "cosmic"sv,
    "cosy"sv,     "crafty"sv,  "cranky"sv,    "crazy"sv,     "creamy"sv,   "crimson"sv,
    "crisp"sv,    "crunchy"sv, "cuddly"sv,    "curious"sv,   "curly"sv,    "cute"sv,
    "daft"sv,     "dainty"sv,  "dapper"sv,    "daring"sv,    "dazzling"sv, "dear"sv,
    "deft"sv,     "dizzy"sv,   "dapple"sv,    "dreamy"sv,    "drowsy"sv,   "dusty"sv,
    "eager"sv,    "early"sv,   "earnest"sv,   "easy"sv,      "eerie"sv,    "elated"sv,
    "electric"sv, "elegant"sv, "emerald"sv,   "epic"sv,      "exotic"sv,   "fabled"sv,
    "fancy"sv,    "faint"sv,   "fair"sv,      "feisty"sv,    "fervent"sv,  "fierce"sv,
    "fiery"sv,    "fizzy"sv,   "flaky"sv,     "flashy"sv,    "fluffy"sv,   "flying"sv,
    "foggy"sv,    "fond"sv,    "frank"sv,     "frantic"sv,   "frisky"sv,   "frosty"sv,
    "frozen"sv,   "funky"sv,   "funny"sv,     "furry"sv,     "fuzzy"sv,    "gallant"sv,
    "gentle"sv,   "giddy"sv,   "gifted"sv,    "giggly"sv,    "gilded"sv,   "glad"sv,
    "gleaming"sv, "glossy"sv,  "golden"sv,    "goofy"sv,     "graceful"sv, "grand"sv,
    "grassy"sv,   "groovy"sv,  "grumpy"sv,    "gusty"sv,     "hairy"sv,    "handy"sv,
    "happy"sv,    "hardy"sv,   "hasty"sv,     "hazy"sv,      "heroic"sv,   "hidden"sv,
    "honest"sv,   "hopeful"sv, "humble"sv,    "hungry"sv,    "icy"sv,      "idle"sv,
    "jazzy"sv,    "jolly"sv,   "jovial"sv,    "joyful"sv,    "jumpy"sv,    "keen"sv,
    "kind"sv,     "kingly"sv,  "knotty"sv,    "lanky"sv,     "lazy"sv,     "leafy"sv,
    "lively"sv,   "lofty"sv,   "loud"sv,      "loyal"sv,     "lucky"sv,    "lunar"sv,
    "lush"sv,     "magic"sv,   "majestic"sv,  "mellow"sv,    "merry"sv,    "mighty"sv,
    "minty"sv,    "misty"sv,   "modest"sv,    "moody"sv,     "mossy"sv,    "muddy"sv,
    "mushy"sv,    "natty"sv,   "neat"sv,      "nervous"sv,   "nifty"sv,    "nimble"sv,
    "noble"sv,    "noisy"sv,   "nutty"sv,     "oaken"sv,     "odd"sv,      "olive"sv,
    "orange"sv,   "ornate"sv,  "pale"sv,      "peachy"sv,    "peppy"sv,    "perky"sv,
    "placid"sv,   "plucky"sv,  "plush"sv,     "polite"sv,    "polished"sv, "proud"sv,
    "prudent"sv,  "puffy"sv,   "purple"sv,    "quaint"sv,    "quick"sv,    "quiet"sv,
    "quirky"sv,   "rapid"sv,   "rare"sv,      "ready"sv,     "regal"sv,    "rosy"sv,
    "rowdy"sv,    "royal"sv,   "rugged"sv,    "rusty"sv,     "sandy"sv,    "sassy"sv,
    "scarlet"sv,  "scrappy"sv, "shaggy"sv,    "shiny"sv,     "shy"sv,      "silent"sv,
    "silky"sv,    "silly"sv,   "silver"sv,    "sleepy"sv,    "slick"sv,    "sly"sv,
    "smart"sv,    "smiley"sv,  "smoky"sv,     "snappy"sv,    "snowy"sv,    "snug"sv,
    "soft"sv,     "solar"sv,   "sparkly"sv,   "speedy"sv,    "spicy"sv,    "spiffy"sv,
    "spooky"sv,   "sporty"sv,  "spry"sv,      "stable"sv,    "steady"sv,   "stellar"sv,
    "stormy"sv,   "sturdy"sv,  "sunny"sv,     "super"sv,     "swift"sv,    "tangy"sv,
    "tawny"sv,    "teal"sv,    "tender"sv,    "thirsty"sv,   "thrifty"sv,  "tidy"sv,
    "timid"sv,    "tiny"sv,    "toasty"sv,    "topaz"sv,     "tough"sv,    "tranquil"sv,
    "trendy"sv,   "trusty"sv,  "tubby"sv,     "twinkly"sv,   "upbeat"sv,   "vast"sv,
    "velvet"sv,   "vivid"sv,   "wacky"sv,     "wandering"sv, "warm"sv,     "wary"sv,
    "wavy"sv,     "weary"sv,   "whimsical"sv, "wild"sv,      "windy"sv,    "wise"sv,
    "witty"sv,    "wobbly"sv,  "wonky"sv,     "woolly"sv,    "worthy"sv,   "yawning"sv,
    "young"sv,    "zany"sv,    "zealous"sv,   "zesty"sv,     "zippy"sv,
};

constexpr std::array kAnimals = {
    "aardvark"sv,   "albatross"sv,   "alligator"sv, "alpaca"sv,    "anaconda"sv,  "anchovy"sv,
    "angelfish"sv,  "ant"sv,         "anteater"sv,  "antelope"sv,  "armadillo"sv, "baboon"sv,
    "badger"sv,     "barracuda"sv,   "bat"sv,       "beagle"sv,    "bear"sv,      "beaver"sv,
    "bee"sv,        "beetle"sv,      "bison"sv,     "blackbird"sv, "bluebird"sv,  "boar"sv,
    "bobcat"sv,     "buffalo"sv,     "bull"sv,      "bumblebee"sv, "butterfly"sv, "buzzard"sv,
    "camel"sv,      "canary"sv,      "capybara"sv,  "cardinal"sv,  "caribou"sv,   "carp"sv,
    "cat"sv,        "caterpillar"sv, "catfish"sv,   "cheetah"sv,   "chicken"sv,   "chihuahua"sv,
    "chimpanzee"sv, "chinchilla"sv,  "chipmunk"sv,  "cicada"sv,    "clam"sv,      "cobra"sv,
    "cockatoo"sv,   "cod"sv,         "condor"sv,    "coral"sv,     "cougar"sv,    "cow"sv,
    "coyote"sv,     "crab"sv,        "crane"sv,     "cricket"sv,   "crocodile"sv, "crow"sv,
    "cuckoo"sv,     "dachshund"sv,   "deer"sv,      "dingo"sv,     "dodo"sv,      "dog"sv,
    "dolphin"sv,    "donkey"sv,      "dormouse"sv,  "dove"sv,      "dragonfly"sv, "duck"sv,
    "dugong"sv,     "eagle"sv,       "eel"sv,       "egret"sv,     "eland"sv,     "elephant"sv,
    "elk"sv,        "emu"sv,         "falcon"sv,    "ferret"sv,    "finch"sv,     "firefly"sv,
    "flamingo"sv,   "flounder"sv,    "fox"sv,       "frog"sv,      "gazelle"sv,   "gecko"sv,
    "gerbil"sv,     "gibbon"sv,      "giraffe"sv,   "gnat"sv,      "gnu"sv,       "goat"sv,
    "goldfinch"sv,  "goldfish"sv,    "goose"sv,     "gopher"sv,    "gorilla"sv,   "grasshopper"sv,
    "grouse"sv,     "guppy"sv,       "hamster"sv,   "hare"sv,      "harrier"sv,   "hawk"sv,
    "hedgehog"sv,   "heron"sv,       "herring"sv,   "hippo"sv,     "hornet"sv,    "horse"sv,
    "hound"sv,      "hummingbird"sv, "hyena"sv,     "ibex"sv,      "ibis"sv,      "iguana"sv,
    "impala"sv,     "jackal"sv,      "jaguar"sv,    "jay"sv,       "jellyfish"sv, "kangaroo"sv,
    "kestrel"sv,    "kingfisher"sv,  "kite"sv,      "kiwi"sv,      "koala"sv,     "koi"sv,
    "ladybug"sv,    "lamb"sv,        "lemming"sv,   "lemur"sv,     "leopard"sv,   "liger"sv,
    "lion"sv,       "lizard"sv,      "llama"sv,     "lobster"sv,   "locust"sv,    "loon"sv,
    "lynx"sv,       "macaw"sv,       "magpie"sv,    "mallard"sv,   "mammoth"sv,   "manatee"sv,
    "mandrill"sv,   "mantis"sv,      "marmot"sv,    "marten"sv,    "meerkat"sv,   "mink"sv,
    "minnow"sv,     "mole"sv,        "mongoose"sv,  "monkey"sv,    "moose"sv,     "mosquito"sv,
    "moth"sv,       "mouse"sv,       "mule"sv,      "narwhal"sv,   "newt"sv,      "nightingale"sv,
    "ocelot"sv,     "octopus"sv,     "okapi"sv,     "opossum"sv,   "orca"sv,      "oriole"sv,
    "osprey"sv,     "ostrich"sv,     "otter"sv,     "owl"sv,       "ox"sv,        "oyster"sv,
    "panda"sv,      "panther"sv,     "parakeet"sv,  "parrot"sv,    "partridge"sv, "peacock"sv,
    "pelican"sv,    "penguin"sv,     "perch"sv,     "pheasant"sv,  "pig"sv,       "pigeon"sv,
    "pika"sv,       "pike"sv,        "piranha"sv,   "platypus"sv,  "pony"sv,      "poodle"sv,
    "porcupine"sv,  "porpoise"sv,    "possum"sv,    "prawn"sv,     "puffin"sv,    "puma"sv,
    "python"sv,     "quail"sv,       "quokka"sv,    "rabbit"sv,    "raccoon"sv,   "ram"sv,
    "rat"sv,        "raven"sv,       "reindeer"sv,  "rhino"sv,     "robin"sv,     "rooster"sv,
    "salamander"sv, "salmon"sv,      "sandpiper"sv, "sardine"sv,   "scorpion"sv,  "seahorse"sv,
    "seal"sv,       "shark"sv,       "sheep"sv,     "shrew"sv,     "shrimp"sv,    "skunk"sv,
    "sloth"sv,      "slug"sv,        "snail"sv,     "snake"sv,     "sparrow"sv,   "spider"sv,
    "squid"sv,      "squirrel"sv,    "starfish"sv,  "stingray"sv,  "stork"sv,     "sturgeon"sv,
    "swallow"sv,    "swan"sv,        "tapir"sv,     "tarantula"sv, "termite"sv,   "tern"sv,
    "terrier"sv,    "tiger"sv,       "toad"sv,      "tortoise"sv,  "toucan"sv,    "trout"sv,
    "tuna"sv,       "turkey"sv,      "turtle"sv,    "unicorn"sv,   "viper"sv,     "vole"sv,
    "vulture"sv,    "wallaby"sv,     "walrus"sv,    "warbler"sv,   "wasp"sv,      "weasel"sv,
    "whale"sv,      "whippet"sv,     "wildcat"sv,   "wolf"sv,      "wolverine"sv, "wombat"sv,
    "woodpecker"sv, "worm"sv,        "wren"sv,      "yak"sv,       "zebra"sv,
};

template <class A>
std::string_view pick(const A& words, std::mt19937& rng) {
  return words[rng() % words.size()];
}

}  // namespace

std::span<const std::string_view> alias_adjectives() { return kAdjectives; }
std::span<const std::string_view> alias_animals() { return kAnimals; }

std::string generate_alias(std::mt19937& rng) {
  std::string out(pick(kAdjectives, rng));
  out.push_back('-');
  out.append(pick(kAnimals, rng));
  return out;
}

Result<std::string> unique_alias(std::mt19937& rng,
                                 const std::function<bool(const std::string&)>& taken,
                                 int max_attempts) {
  for (int i = 0; i < max_attempts; ++i) {
    std::string alias = generate_alias(rng);
    if (!taken || !taken(alias)) return alias;
  }
  Error e;
  e.path = "alias";
  e.message = "no free alias after " + std::to_string(max_attempts) +
              " attempts; set `alias` on the Freight explicitly";
  return e;
}

Result<std::string> unique_alias(uint32_t seed,
                                 const std::function<bool(const std::string&)>& taken,
                                 int max_attempts) {
  std::mt19937 rng(seed);
  return unique_alias(rng, taken, max_attempts);
}

bool is_generated_alias(std::string_view s) {
  size_t dash = s.find('-');
  if (dash == std::string_view::npos) return false;
  auto adj = s.substr(0, dash), animal = s.substr(dash + 1);
  return std::find(kAdjectives.begin(), kAdjectives.end(), adj) != kAdjectives.end() &&
         std::find(kAnimals.begin(), kAnimals.end(), animal) != kAnimals.end();
}

}  // namespace freightgate::freight
