#include "core/model/profession.hpp"

namespace confrere::model {

std::string profession_label(int code)
{
    switch (code) {
    case 0: return "";
    case 10: return "Médecin";
    case 21: return "Pharmacien";
    case 26: return "Audioprothésiste";
    case 28: return "Opticien-Lunetier";
    case 40: return "Chirurgien-Dentiste";
    case 50: return "Sage-Femme";
    case 60: return "Infirmier";
    case 69: return "Infirmier psychiatrique";
    case 70: return "Masseur-Kinésithérapeute";
    case 80: return "Pédicure-Podologue";
    case 81: return "Orthoprothésiste";
    case 82: return "Podo-Orthésiste";
    case 91: return "Orthophoniste";
    case 92: return "Orthoptiste";
    case 94: return "Ergothérapeute";
    case 95: return "Diététicien";
    case 96: return "Psychomotricien";
    case 98: return "Manipulateur ERM";
    default: return "Profession " + std::to_string(code);
    }
}

bool is_known_profession(int code)
{
    return code != 0 && profession_label(code) != "Profession " + std::to_string(code);
}

} // namespace confrere::model
